// SPDX-License-Identifier: GPL-2.0
/*
 * The least any reader of event lines must do, for `make bench-reader`: find where each line
 * ends (glibc's memchr, vectorised), in a file mapped whole, and nothing else. Beside the
 * reader's own figure it shows how much of a text line's cost is only its length.
 * Usage: line_ends FILE; prints the number of lines. An empty FILE measures start-up and exit.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	int fd;

	if (argc != 2) {
		fputs("usage: line_ends FILE\n", stderr);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "line_ends: %s: cannot open\n", argv[1]);
		return 1;
	}
	if (fstat(fd, &st)) {
		fprintf(stderr, "line_ends: %s: cannot stat\n", argv[1]);
		close(fd);
		return 1;
	}
	if (st.st_size == 0) { /* the bench's baseline: start-up and exit alone */
		close(fd);
		puts("0");
		return 0;
	}
	const char *data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED) {
		fprintf(stderr, "line_ends: %s: cannot map\n", argv[1]);
		return 1;
	}
	const char *p = data, *end = data + st.st_size;
	size_t lines = 0;
	for (const char *nl; p < end && (nl = memchr(p, '\n', (size_t)(end - p))); p = nl + 1)
		lines++;
	printf("%zu\n", lines);
	munmap((void *)data, (size_t)st.st_size);
	return 0;
}
