/* replay.c - run a libFuzzer target over corpus files without libFuzzer, so
 * that `make test` replays every corpus (and every crash ever found) under
 * gcc's AddressSanitizer and UndefinedBehaviorSanitizer. Prints TAP. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	uint8_t *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n); /* a sanitizer aborts on a bug */
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0, bad = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			bad += run_file(argv[i]) != 0;
			count++;
			continue;
		}
		struct dirent *de;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			char path[4096];
			snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
			bad += run_file(path) != 0;
			count++;
		}
		closedir(d);
	}
	printf("%s - %d inputs replayed without a sanitizer report\n", bad || !count ? "not ok" : "ok", count);
	return bad || !count;
}
