/* fuzz_settings.c - libFuzzer target: the experiment-file parser. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("experiment", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		char path[64];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		struct settings s;
		struct rl_err e;
		settings_defaults(&s);
		if (settings_load(&s, path, 1, &e) == 0)
			settings_check(&s, &e);
	}
	close(fd);
	return 0;
}
