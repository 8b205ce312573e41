/* forkloop.c - the bare minimum a trial must do: fork N processes that _exit
 * at once, and reap them; T times. The baseline for race's per-trial cost. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	int procs = atoi(argv[1]), trials = atoi(argv[2]);
	for (int t = 0; t < trials; t++) {
		for (int i = 0; i < procs; i++) {
			pid_t p = fork();
			if (p < 0)
				return 1;
			if (p == 0)
				_exit(0);
		}
		for (int i = 0; i < procs; i++)
			wait(NULL);
	}
	return 0;
}
