/*
 * The lab's hung modprobe (lab.hangModprobe): a process named modprobe, with modprobe's argv,
 * in uninterruptible sleep (state D) with a real kernel stack, on a kernel where no module can
 * hang a load. The simulator's modprobe forks its waiter (which goes on polling for the release
 * or a reboot, and does the load) and then execs this program. Here, vfork() parks this process
 * in wait_for_vfork_done (TASK_KILLABLE: shown as D, ended by SIGKILL like the real one) for as
 * long as the vfork child neither execs nor exits; that child exits when the waiter does, and the
 * waiter's exit status becomes this process's.
 *
 * Environment: NETFIX_SIM_DONE_FD, the read end of a pipe whose write end only the waiter holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int exit_code(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(void) {
  const char *fd_text = getenv("NETFIX_SIM_DONE_FD");
  if (fd_text == NULL) return 2;
  int done = atoi(fd_text);
  pid_t self = getpid();
  pid_t held = vfork();
  if (held == 0) {
    /* Borrows the parent's memory until it exits: only system calls from here on. */
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* the parent killed (netfix's kill -9): go too */
    if (getppid() != self) _exit(137);
    prctl(PR_SET_NAME, "netfix-vfork");
    /* Out of the caller's process group: a scan of that group finds the stuck modprobe only. */
    setpgid(0, 0);
    char byte;
    for (;;) {
      ssize_t n = read(done, &byte, 1);
      if (n == 0 || (n < 0 && errno != EINTR)) break;
    }
    _exit(0);
  }
  if (held < 0) return 1;
  close(done);
  int status;
  while (waitpid(held, &status, 0) < 0 && errno == EINTR) {
  }
  /* The waiter is this process's other child (forked before the exec): its status is ours. */
  int code = 1;
  for (;;) {
    pid_t pid = wait(&status);
    if (pid > 0) code = exit_code(status);
    else if (errno != EINTR) break;
  }
  return code;
}
