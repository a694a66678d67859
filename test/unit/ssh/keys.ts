// Public keys and what OpenSSH 9.2 says about them, captured once from `ssh-keygen -l` and
// `ssh-keygen -H`, so unit tests compare netfix with OpenSSH itself rather than with its own code.

export const ed25519A = {
  line: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBct//tclI+pZFtaCxut2qskYT82duMfdluXWn6kIGUu',
  fingerprint: 'SHA256:MPYAYe858i18+fHbNke0XhNohggtDmrsBb36ciWaVyg',
};
export const ed25519B = {
  line: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMYx+MN7fnorb15tDd8O4WZaismR6IJ3JVVZffLDm9Ua',
  fingerprint: 'SHA256:j4H3udg474B5dT6vOCTKm36x3aDM8tgsGF64lfnqjZQ',
};
export const rsa = {
  line: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCp5JXbUKdNeqY+ZMGClfphJhwZjm1fL1aZh0BveRKfJcHcPMSjikRuPwIsLuGglkUa21PQ3HMRGEtMbntkFtsLC2vznahs/xdjh/Sl6ZKveUSzM39ccKdYU2JIl9Syo64A3/gxthqplu21D+ZGYdBPtLSobONtUbsUqEuhOytVMmVtp0yswYvVk9Ak4REMuoRapq7AvdwikJ4M6+RisJvV1XgL54Y/KlY96BZl6086NYCcqb/9pFbPKRjejiJGA+7yZpxg4HqgmBns7W05V5Rvkap0IRd1TZ9hVtuWivYK/0YFp4kemARNjPcRcuPdOXhQ+BY7xF8k+e9lW7jVuv1L',
  fingerprint: 'SHA256:HvDpnnFfatIoMucHC8HsbOwRqYFEdu0b/FCajiu33KM',
};
export const ecdsa = {
  line: 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBANqPIFKdGN8TiN+55oGNbeJv5xdlYKtyKNdot3cMrOjr9NXu+VJ1QZ/gtEev/4fE40VYdTgwFkZCamy+MdEzRE=',
  fingerprint: 'SHA256:HfyFSB7dWaVA39m8jsHGG/5gtgWiOzJOib9Rhv0rP0A',
};

/** `ssh-keygen -H` of "[127.0.0.1]:2222 <ed25519A>" and of "web1.example.com <rsa>". */
export const hashedLines = {
  port2222: `|1|xq7Ui55KuEqyO+pKi+W0YaW9TGY=|Bl266Qc2qgzStdfQXVWBIhcJySk= ${ed25519A.line}`,
  web1: `|1|hfEv96qgS6MSjw74U6YX2Dhz4Og=|ezM1rl4x4CJ/1ozK/CVrpPdez78= ${rsa.line}`,
};

export function blobOf(key: { line: string }): Buffer {
  return Buffer.from(key.line.split(' ')[1] ?? '', 'base64');
}
