// SPDX-License-Identifier: GPL-2.0
/*
 * The one list of growth sequences: `gogrowth check NAME`, `--all` and `--list` all read it.
 * The C sequences are named here; a family (the Go programs, seq_go.c) resolves its own names.
 */
#include "seq_registry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const struct gg_sequence *const sequences[] = {
	&gg_seq_slice_go117, &gg_seq_slice_go118, &gg_seq_map_hmap,
	&gg_seq_cow_fork,    &gg_seq_madvise_refault,
};

static const struct gg_sequence_family *const families[] = {
	&gg_go_family,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int gg_sequence_resolve(const char *name, struct gg_sequence *sequence, FILE *err)
{
	for (size_t i = 0; i < COUNT(sequences); i++) {
		if (strcmp(name, sequences[i]->name) == 0) {
			*sequence = *sequences[i];
			return 0;
		}
	}
	for (size_t i = 0; i < COUNT(families); i++) {
		int found = families[i]->resolve(name, sequence, err);
		if (found != 1)
			return found;
	}
	return 1;
}

size_t gg_sequence_all(char ***names)
{
	size_t count = 0;
	char **list = calloc(COUNT(sequences), sizeof(*list));
	*names = NULL;
	if (!list)
		return SIZE_MAX;
	for (size_t i = 0; i < COUNT(sequences); i++) {
		list[count] = strdup(sequences[i]->name);
		if (!list[count])
			goto fail;
		count++;
	}
	for (size_t f = 0; f < COUNT(families); f++) {
		char **more;
		size_t n = families[f]->all(&more);
		if (n == SIZE_MAX)
			goto fail;
		char **grown = n ? realloc(list, (count + n) * sizeof(*list)) : list;
		if (!grown) {
			for (size_t i = 0; i < n; i++)
				free(more[i]);
			free(more);
			goto fail;
		}
		list = grown;
		memcpy(list + count, more, n * sizeof(*more));
		count += n;
		free(more);
	}
	*names = list;
	return count;
fail:
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
	return SIZE_MAX;
}

void gg_sequence_list(FILE *out)
{
	for (size_t i = 0; i < COUNT(sequences); i++)
		fprintf(out, "%-20s %s\n", sequences[i]->name, sequences[i]->summary);
	for (size_t i = 0; i < COUNT(families); i++)
		fprintf(out, "%-20s %s\n", families[i]->pattern, families[i]->summary);
	char **names;
	size_t count = gg_sequence_all(&names);
	if (count == SIZE_MAX)
		return;
	fputs("--all runs:", out);
	for (size_t i = 0; i < count; i++) {
		fprintf(out, " %s", names[i]);
		free(names[i]);
	}
	fputc('\n', out);
	free(names);
}
