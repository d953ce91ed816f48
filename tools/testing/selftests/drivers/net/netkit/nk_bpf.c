// SPDX-License-Identifier: GPL-2.0
/*
 * nk_bpf: attach BPF programs to netkit devices through libbpf, for the netkit
 * selftests and the demo (bpftool can show netkit attachments but not make
 * them).
 *
 *   nk_bpf load OBJ DIR [IFINDEX]        load OBJ, pin programs and maps in DIR
 *   nk_bpf attach DEV TYPE PROG [OPT..]  BPF_PROG_ATTACH (mprog)
 *   nk_bpf detach DEV TYPE [PROG] [OPT..]
 *   nk_bpf link DEV TYPE PROG PIN [OPT..] bpf_link_create, link pinned at PIN
 *   nk_bpf link-update PIN PROG
 *   nk_bpf link-detach PIN
 *   nk_bpf query DEV TYPE                print {"revision", "prog_ids", "link_ids"}
 *   nk_bpf counters DIR                  print the counters map as JSON
 *
 * TYPE is primary or peer. OPT is before|after PROG, before_link|after_link
 * PIN, first, last, replace PROG, revision N. PROG is a pinned program path.
 * On failure prints "errno N (NAME)" and exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

static int fail(const char *what, int err)
{
	err = err < 0 ? -err : err;
	fprintf(stderr, "%s: %s\n", what, strerror(err));
	printf("errno %d (%s)\n", err, strerrorname_np(err) ?: "?");
	return 1;
}

static int obj_get(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0) {
		fprintf(stderr, "cannot open pinned object %s: %s\n", path, strerror(errno));
		exit(2);
	}
	return fd;
}

static unsigned int dev_index(const char *dev)
{
	unsigned int idx = if_nametoindex(dev);

	if (!idx)
		idx = strtoul(dev, NULL, 0);
	if (!idx) {
		fprintf(stderr, "no device %s\n", dev);
		exit(2);
	}
	return idx;
}

static enum bpf_attach_type attach_type(const char *t)
{
	if (!strcmp(t, "primary"))
		return BPF_NETKIT_PRIMARY;
	if (!strcmp(t, "peer"))
		return BPF_NETKIT_PEER;
	fprintf(stderr, "type must be primary or peer, not %s\n", t);
	exit(2);
}

struct rel {
	__u32 flags;
	__u32 relative_fd;
	__u32 replace_fd;
	__u64 revision;
};

static void parse_opts(int argc, char **argv, struct rel *r)
{
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "first")) {
			r->flags |= BPF_F_BEFORE;
			continue;
		}
		if (!strcmp(o, "last")) {
			r->flags |= BPF_F_AFTER;
			continue;
		}
		if (!v) {
			fprintf(stderr, "option %s needs a value\n", o);
			exit(2);
		}
		i++;
		if (!strcmp(o, "before") || !strcmp(o, "after")) {
			r->flags |= o[0] == 'b' ? BPF_F_BEFORE : BPF_F_AFTER;
			r->relative_fd = obj_get(v);
		} else if (!strcmp(o, "before_link") || !strcmp(o, "after_link")) {
			r->flags |= (o[0] == 'b' ? BPF_F_BEFORE : BPF_F_AFTER) | BPF_F_LINK;
			r->relative_fd = obj_get(v);
		} else if (!strcmp(o, "replace")) {
			r->flags |= BPF_F_REPLACE;
			r->replace_fd = obj_get(v);
		} else if (!strcmp(o, "revision")) {
			r->revision = strtoull(v, NULL, 0);
		} else {
			fprintf(stderr, "unknown option %s\n", o);
			exit(2);
		}
	}
}

static int cmd_load(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[512];
	int err;

	if (argc < 2)
		return fail("usage: load OBJ DIR [IFINDEX]", EINVAL);
	obj = bpf_object__open_file(argv[0], NULL);
	if (!obj)
		return fail("open", errno);
	if (argc > 2) {
		/* redirect_ifindex is the only .rodata variable. */
		__u32 ro = strtoul(argv[2], NULL, 0);

		bpf_object__for_each_map(map, obj)
			if (strstr(bpf_map__name(map), ".rodata"))
				bpf_map__set_initial_value(map, &ro, sizeof(ro));
	}
	err = bpf_object__load(obj);
	if (err)
		return fail("load", err);
	bpf_object__for_each_program(prog, obj) {
		snprintf(path, sizeof(path), "%s/%s", argv[1], bpf_program__name(prog));
		err = bpf_program__pin(prog, path);
		if (err)
			return fail(path, err);
	}
	snprintf(path, sizeof(path), "%s/counters", argv[1]);
	err = bpf_map__pin(bpf_object__find_map_by_name(obj, "counters"), path);
	if (err)
		return fail(path, err);
	return 0;
}

static int cmd_attach(int argc, char **argv, bool detach)
{
	LIBBPF_OPTS(bpf_prog_attach_opts, a);
	LIBBPF_OPTS(bpf_prog_detach_opts, d);
	struct rel r = {};
	int prog_fd = 0, ifindex, err, n = 2;

	if (argc < 2 + !detach)
		return fail("usage: attach|detach DEV TYPE PROG [OPT...]", EINVAL);
	ifindex = dev_index(argv[0]);
	if (argc > 2 && argv[2][0] == '/') {
		prog_fd = obj_get(argv[2]);
		n = 3;
	}
	parse_opts(argc - n, argv + n, &r);
	if (detach) {
		d.flags = r.flags;
		d.relative_fd = r.relative_fd;
		d.expected_revision = r.revision;
		err = bpf_prog_detach_opts(prog_fd, ifindex, attach_type(argv[1]), &d);
	} else {
		a.flags = r.flags;
		a.relative_fd = r.relative_fd;
		a.replace_fd = r.replace_fd;
		a.expected_revision = r.revision;
		err = bpf_prog_attach_opts(prog_fd, ifindex, attach_type(argv[1]), &a);
	}
	return err ? fail(detach ? "detach" : "attach", errno) : 0;
}

static int cmd_link(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, o);
	struct rel r = {};
	int fd;

	if (argc < 4)
		return fail("usage: link DEV TYPE PROG PIN [OPT...]", EINVAL);
	parse_opts(argc - 4, argv + 4, &r);
	o.flags = r.flags;
	o.netkit.relative_fd = r.relative_fd;
	o.netkit.expected_revision = r.revision;
	fd = bpf_link_create(obj_get(argv[2]), dev_index(argv[0]), attach_type(argv[1]), &o);
	if (fd < 0)
		return fail("link_create", errno);
	if (bpf_obj_pin(fd, argv[3]))
		return fail("pin", errno);
	return 0;
}

static int cmd_link_update(int argc, char **argv)
{
	if (argc < 2)
		return fail("usage: link-update PIN PROG", EINVAL);
	if (bpf_link_update(obj_get(argv[0]), obj_get(argv[1]), NULL))
		return fail("link_update", errno);
	return 0;
}

static int cmd_link_detach(int argc, char **argv)
{
	if (argc < 1)
		return fail("usage: link-detach PIN", EINVAL);
	if (bpf_link_detach(obj_get(argv[0])))
		return fail("link_detach", errno);
	return 0;
}

static int cmd_query(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_prog_query_opts, q);
	__u32 progs[64], links[64];

	if (argc < 2)
		return fail("usage: query DEV TYPE", EINVAL);
	q.prog_ids = progs;
	q.link_ids = links;
	q.count = 64;
	if (bpf_prog_query_opts(dev_index(argv[0]), attach_type(argv[1]), &q))
		return fail("query", errno);
	printf("{\"revision\": %llu, \"prog_ids\": [", (unsigned long long)q.revision);
	for (__u32 i = 0; i < q.count; i++)
		printf("%s%u", i ? ", " : "", progs[i]);
	printf("], \"link_ids\": [");
	for (__u32 i = 0; i < q.count; i++)
		printf("%s%u", i ? ", " : "", links[i]);
	printf("]}\n");
	return 0;
}

static int cmd_counters(int argc, char **argv)
{
	static const char * const names[] = { "pass", "drop", "next", "redirect" };
	char path[512];
	int fd;

	if (argc < 1)
		return fail("usage: counters DIR", EINVAL);
	snprintf(path, sizeof(path), "%s/counters", argv[0]);
	fd = obj_get(path);
	printf("{");
	for (__u32 k = 0; k < 4; k++) {
		__u64 v = 0;

		bpf_map_lookup_elem(fd, &k, &v);
		printf("%s\"%s\": %llu", k ? ", " : "", names[k], (unsigned long long)v);
	}
	printf("}\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";

	argc -= 2;
	argv += 2;
	if (!strcmp(c, "load"))
		return cmd_load(argc, argv);
	if (!strcmp(c, "attach"))
		return cmd_attach(argc, argv, false);
	if (!strcmp(c, "detach"))
		return cmd_attach(argc, argv, true);
	if (!strcmp(c, "link"))
		return cmd_link(argc, argv);
	if (!strcmp(c, "link-update"))
		return cmd_link_update(argc, argv);
	if (!strcmp(c, "link-detach"))
		return cmd_link_detach(argc, argv);
	if (!strcmp(c, "query"))
		return cmd_query(argc, argv);
	if (!strcmp(c, "counters"))
		return cmd_counters(argc, argv);
	fputs("usage: nk_bpf COMMAND ARGS...\n"
	      "commands: load attach detach link link-update link-detach query counters\n",
	      stderr);
	return 2;
}
