// SPDX-License-Identifier: GPL-2.0
/*
 * nk_bpf: attach BPF programs to netkit devices through libbpf, for the netkit
 * selftests and the demo (bpftool can show netkit attachments but not make
 * them).
 *
 *   nk_bpf load OBJ DIR [IFINDEX [SHARED]] load OBJ, pin programs and maps in
 *                                        DIR; maps pinned by name go to SHARED
 *                                        (default DIR), reused if there
 *   nk_bpf attach DEV TYPE PROG [OPT..]  BPF_PROG_ATTACH (mprog)
 *   nk_bpf detach DEV TYPE [PROG] [OPT..]
 *   nk_bpf link DEV TYPE PROG PIN [OPT..] bpf_link_create, link pinned at PIN
 *   nk_bpf link-update PIN PROG [OLD]    bpf_link_update, with BPF_F_REPLACE
 *                                        and OLD if given
 *   nk_bpf link-detach PIN
 *   nk_bpf query DEV TYPE                print {"revision", "prog_ids", "link_ids"}
 *   nk_bpf counters DIR                  print the counters map as JSON
 *   nk_bpf map-update PIN KEY VALUE      update a pinned map's element
 *
 * TYPE is primary or peer (netkit), ingress or egress (tcx). OPT is
 * before|after PROG, before_link|after_link PIN, first, last, replace PROG,
 * replace_fd N (BPF_F_REPLACE with fd number N, open or not), revision N,
 * nofile (link only: RLIMIT_NOFILE lowered so the link gets no fd), failnth N
 * (link only: the link create's N-th slab allocation fails; prints
 * "failnth_left M", M > 0 if fewer were made). PROG is a pinned program
 * path. KEY and VALUE are comma-separated fields laid out in order: a.b.c.d
 * (4 bytes, network order), xx:xx:xx:xx:xx:xx (6 bytes) or a number (u32,
 * host order); their sizes must be the map's. On failure prints "errno N
 * (NAME)" and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

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
	if (!strcmp(t, "ingress"))
		return BPF_TCX_INGRESS;
	if (!strcmp(t, "egress"))
		return BPF_TCX_EGRESS;
	fprintf(stderr, "type must be primary, peer, ingress or egress, not %s\n", t);
	exit(2);
}

struct rel {
	__u32 flags;
	__u32 relative_fd;
	__u32 replace_fd;
	__u64 revision;
	bool nofile;
	int failnth;
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
		if (!strcmp(o, "nofile")) {
			r->nofile = true;
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
		} else if (!strcmp(o, "replace_fd")) {
			r->flags |= BPF_F_REPLACE;
			r->replace_fd = strtoul(v, NULL, 0);
		} else if (!strcmp(o, "failnth")) {
			r->failnth = atoi(v);
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
	LIBBPF_OPTS(bpf_object_open_opts, oo);
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct bpf_map *map;
	char path[512];
	int err;

	if (argc < 2)
		return fail("usage: load OBJ DIR [IFINDEX [SHARED]]", EINVAL);
	oo.pin_root_path = argc > 3 ? argv[3] : argv[1];
	obj = bpf_object__open_file(argv[0], &oo);
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
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__is_internal(map) || bpf_map__is_pinned(map))
			continue;
		snprintf(path, sizeof(path), "%s/%s", argv[1], bpf_map__name(map));
		err = bpf_map__pin(map, path);
		if (err)
			return fail(path, err);
	}
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

/* The next fd would be the lowest free one: make that one past the limit. */
static void nofile(void)
{
	struct rlimit rl;
	int fd = dup(0);

	if (fd < 0 || close(fd) || getrlimit(RLIMIT_NOFILE, &rl)) {
		perror("nofile");
		exit(2);
	}
	rl.rlim_cur = fd;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("setrlimit");
		exit(2);
	}
}

/* Arms fail-nth for the next N slab allocations of this thread. */
static int fail_nth(int n)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR);

	if (fd < 0 || dprintf(fd, "%d", n) < 0) {
		perror("fail-nth");
		exit(2);
	}
	return fd;
}

/* Disarms fail-nth; returns how many allocations it still had to wait for. */
static int fail_nth_left(int fd)
{
	char buf[16] = "";

	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0 || pwrite(fd, "0", 1, 0) < 0) {
		perror("fail-nth");
		exit(2);
	}
	close(fd);
	return atoi(buf);
}

static int cmd_link(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_create_opts, o);
	enum bpf_attach_type type;
	struct rel r = {};
	int fd, prog_fd, ifindex, nth = -1, err;

	if (argc < 4)
		return fail("usage: link DEV TYPE PROG PIN [OPT...]", EINVAL);
	parse_opts(argc - 4, argv + 4, &r);
	o.flags = r.flags;
	type = attach_type(argv[1]);
	if (type == BPF_TCX_INGRESS || type == BPF_TCX_EGRESS) {
		o.tcx.relative_fd = r.relative_fd;
		o.tcx.expected_revision = r.revision;
	} else {
		o.netkit.relative_fd = r.relative_fd;
		o.netkit.expected_revision = r.revision;
	}
	prog_fd = obj_get(argv[2]);
	ifindex = dev_index(argv[0]);
	if (r.nofile)
		nofile();
	if (r.failnth)
		nth = fail_nth(r.failnth);
	fd = bpf_link_create(prog_fd, ifindex, type, &o);
	err = errno;
	if (r.failnth)
		printf("failnth_left %d\n", fail_nth_left(nth));
	if (fd < 0)
		return fail("link_create", err);
	if (bpf_obj_pin(fd, argv[3]))
		return fail("pin", errno);
	return 0;
}

static int cmd_link_update(int argc, char **argv)
{
	LIBBPF_OPTS(bpf_link_update_opts, o);

	if (argc < 2)
		return fail("usage: link-update PIN PROG [OLD]", EINVAL);
	if (argc > 2) {
		o.flags = BPF_F_REPLACE;
		o.old_prog_fd = obj_get(argv[2]);
	}
	if (bpf_link_update(obj_get(argv[0]), obj_get(argv[1]), &o))
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
	/* The slots of nk_progs.bpf.c's counters map, in order. */
	static const char * const names[] = {
		"pass", "drop", "next", "redirect",
		"fc_redirect", "fc_pass", "fc_mark", "tc", "tc_v2", "tc_mark",
		"fn_peer", "fn_pass", "fib", "fib_fwd",
	};
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), n;
	__u64 v[64];
	char path[512];
	int fd;

	if (argc < 1)
		return fail("usage: counters DIR", EINVAL);
	snprintf(path, sizeof(path), "%s/counters", argv[0]);
	fd = obj_get(path);
	if (bpf_map_get_info_by_fd(fd, &info, &len))
		return fail("map info", errno);
	n = info.max_entries;
	if (info.key_size != sizeof(__u32) || info.value_size != sizeof(__u64) ||
	    n > ARRAY_SIZE(v) || n > ARRAY_SIZE(names)) {
		fprintf(stderr, "%s: not the counters map of nk_progs.bpf.o\n", path);
		return fail("counters", EINVAL);
	}
	for (__u32 k = 0; k < n; k++) {
		if (bpf_map_lookup_elem(fd, &k, &v[k])) {
			int err = errno;

			snprintf(path + strlen(path), sizeof(path) - strlen(path), "[%u]", k);
			return fail(path, err);
		}
	}
	printf("{");
	for (__u32 k = 0; k < n; k++)
		printf("%s\"%s\": %llu", k ? ", " : "", names[k], (unsigned long long)v[k]);
	printf("}\n");
	return 0;
}

/* Lays out the comma-separated fields of S into BUF; returns its length or -1. */
static int parse_fields(const char *s, unsigned char *buf, int size)
{
	char *dup = strdup(s), *save, *f;
	unsigned int m[6];
	int n = 0, w;

	for (f = strtok_r(dup, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		struct in_addr a;
		char *end;
		__u32 u;

		if (inet_pton(AF_INET, f, &a) == 1) {
			w = 4;
			if (n + w <= size)
				memcpy(buf + n, &a, w);
		} else if (sscanf(f, "%x:%x:%x:%x:%x:%x%n", &m[0], &m[1], &m[2], &m[3],
				  &m[4], &m[5], &w) == 6 && !f[w]) {
			w = 6;
			for (int i = 0; i < 6 && n + i < size; i++)
				buf[n + i] = m[i];
		} else {
			u = strtoul(f, &end, 0);
			if (!*f || *end) {
				fprintf(stderr, "bad field %s\n", f);
				n = -1;
				break;
			}
			w = 4;
			if (n + w <= size)
				memcpy(buf + n, &u, w);
		}
		n += w;
	}
	free(dup);
	return n;
}

static int cmd_map_update(int argc, char **argv)
{
	struct bpf_map_info info = {};
	unsigned char key[64], val[64];
	__u32 len = sizeof(info);
	int fd;

	if (argc < 3)
		return fail("usage: map-update PIN KEY VALUE", EINVAL);
	fd = obj_get(argv[0]);
	if (bpf_map_get_info_by_fd(fd, &info, &len))
		return fail("map info", errno);
	if (info.key_size > sizeof(key) || info.value_size > sizeof(val) ||
	    parse_fields(argv[1], key, sizeof(key)) != (int)info.key_size ||
	    parse_fields(argv[2], val, sizeof(val)) != (int)info.value_size) {
		fprintf(stderr, "key and value must be %u and %u bytes\n",
			info.key_size, info.value_size);
		return fail("map-update", EINVAL);
	}
	if (bpf_map_update_elem(fd, key, val, BPF_ANY))
		return fail("map-update", errno);
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
	if (!strcmp(c, "map-update"))
		return cmd_map_update(argc, argv);
	fputs("usage: nk_bpf COMMAND ARGS...\n"
	      "commands: load attach detach link link-update link-detach query counters\n"
	      "          map-update\n",
	      stderr);
	return 2;
}
