// SPDX-License-Identifier: GPL-2.0
/* class="..." on the paths of cairo's SVG output, in drawing order (see plot_svg.h). */
#include "plot_svg.h"

#include <stdlib.h>
#include <string.h>

void gg_svg_classes_add(struct gg_svg_classes *classes, const char *name)
{
	if (classes->out_of_memory)
		return;
	if (classes->count == classes->capacity) {
		size_t wanted = classes->capacity ? classes->capacity * 2 : 1024;
		const char **grown = realloc(classes->names, wanted * sizeof(*grown));
		if (!grown) {
			classes->out_of_memory = true;
			return;
		}
		classes->names = grown;
		classes->capacity = wanted;
	}
	classes->names[classes->count++] = name;
}

void gg_svg_classes_free(struct gg_svg_classes *classes)
{
	free(classes->names);
	memset(classes, 0, sizeof(*classes));
}

static bool starts_with(const char *at, const char *end, const char *prefix)
{
	size_t length = strlen(prefix);
	return (size_t)(end - at) >= length && memcmp(at, prefix, length) == 0;
}

/* Elements whose paths are definitions, not the page's drawing. */
static const char *const containers[] = { "defs", "symbol", "clipPath", "pattern", "mask" };
#define CONTAINER_COUNT (sizeof(containers) / sizeof(containers[0]))

/* Is the tag at `at` ("<name" or "</name") one of the containers, followed by a delimiter? */
static bool is_container(const char *at, const char *end, bool closing)
{
	const char *name = at + (closing ? 2 : 1);
	for (size_t i = 0; i < CONTAINER_COUNT; i++) {
		size_t length = strlen(containers[i]);
		if ((size_t)(end - name) > length && memcmp(name, containers[i], length) == 0 &&
		    (name[length] == '>' || name[length] == ' ' || name[length] == '\n' ||
		     name[length] == '/'))
			return true;
	}
	return false;
}

/* Walk the document; with out == NULL only count the page's paths (and rects: cairo writes a fill
 * of the whole page as one). */
static size_t annotate(FILE *out, const char *svg, size_t length,
		       const struct gg_svg_classes *classes)
{
	const char *at = svg, *end = svg + length, *written = svg;
	unsigned depth = 0; /* inside how many containers */
	size_t paths = 0;

	while ((at = memchr(at, '<', (size_t)(end - at))) != NULL) {
		if (at[1] == '/' && is_container(at, end, true)) {
			if (depth)
				depth--;
		} else if (at[1] != '/' && is_container(at, end, false)) {
			/* <defs/> closes itself */
			const char *close = memchr(at, '>', (size_t)(end - at));
			if (!(close && close[-1] == '/'))
				depth++;
		} else if (depth == 0 && (starts_with(at, end, "<path ") ||
					  starts_with(at, end, "<rect "))) {
			if (out && paths < classes->count) {
				const char *insert = at + strlen("<path ");
				fwrite(written, 1, (size_t)(insert - written), out);
				fprintf(out, "class=\"%s\" ", classes->names[paths]);
				written = insert;
			}
			paths++;
		}
		at++;
	}
	if (out)
		fwrite(written, 1, (size_t)(end - written), out);
	return paths;
}

int gg_svg_write_classes(FILE *out, const char *svg, size_t length,
			 const struct gg_svg_classes *classes)
{
	if (classes->out_of_memory || annotate(NULL, svg, length, classes) != classes->count)
		return -1;
	annotate(out, svg, length, classes);
	return 0;
}
