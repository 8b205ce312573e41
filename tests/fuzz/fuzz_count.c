/* fuzz_count.c - libFuzzer target: the count and list parsers (1e5, 100k). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "count.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t v, list[64];
	const char *why, *bad;
	if (count_parse(s, 1, UINT64_MAX, &v, &why) == 0) {
		char buf[32];
		count_format(v, buf, sizeof buf);
		uint64_t back;
		/* what we print, we read back as the same number */
		if (count_parse(buf, 1, UINT64_MAX, &back, &why) != 0 || back != v)
			abort();
	}
	count_list_parse(s, 1, 1000000, list, 64, &why, &bad);
	free(s);
	return 0;
}
