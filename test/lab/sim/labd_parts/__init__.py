"""The lab daemon's parts (labd.py is the entry point): layers, host processes, teardown."""
