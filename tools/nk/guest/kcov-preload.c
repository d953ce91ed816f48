// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD library for the KCOV kernel (make coverage IMPL=rust): a
 * process starting with it enables KCOV (KCOV_TRACE_PC) for its main thread
 * and, when it exits, appends the kernel PCs it ran, deduplicated, to
 * $NK_KCOV_DIR/pcs (one hex address per line, each write whole under
 * O_APPEND). Only the objects built with KCOV_INSTRUMENT record PCs: here
 * the Rust netkit. A process whose buffer filled up appends a line
 * "overflow COMM" instead of losing PCs silently. Nothing happens without
 * NK_KCOV_DIR or /sys/kernel/debug/kcov.
 *
 * KCOV stays with a task across execve (only exit ends it), so a program
 * that a covered process execs without forking (env, ip netns exec, ...)
 * finds KCOV busy and maps the buffer of the fd named by NK_KCOV_FD instead:
 * its PCs and those of the image before it are dumped at its exit.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/kcov.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

/* Buffer words: the count, then up to WORDS - 1 PCs (8 MiB). */
#define WORDS (1024UL * 1024)

static unsigned long *cover;
static int kcov_fd = -1;
static pid_t owner;

static int cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void dump(void)
{
	unsigned long n, i, *pcs;
	const char *dir = getenv("NK_KCOV_DIR");
	char path[512], line[32];
	int fd;

	if (!cover || getpid() != owner || !dir)
		return;
	n = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
	ioctl(kcov_fd, KCOV_DISABLE, 0);
	if (!n)
		return;
	if (n > WORDS - 1)
		n = WORDS - 1;
	snprintf(path, sizeof(path), "%s/pcs", dir);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (n == WORDS - 1) {
		char comm[64] = "?";
		FILE *f = fopen("/proc/self/comm", "re");

		if (f) {
			if (fgets(comm, sizeof(comm), f))
				comm[strcspn(comm, "\n")] = 0;
			fclose(f);
		}
		dprintf(fd, "overflow %s\n", comm);
	}
	pcs = cover + 1;
	qsort(pcs, n, sizeof(*pcs), cmp);
	for (i = 0; i < n; i++) {
		if (i && pcs[i] == pcs[i - 1])
			continue;
		snprintf(line, sizeof(line), "%lx\n", pcs[i]);
		if (write(fd, line, strlen(line)) < 0)
			break;
	}
	close(fd);
}

static unsigned long *map(int fd)
{
	void *p = mmap(NULL, WORDS * sizeof(*cover), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

__attribute__((constructor)) static void start(void)
{
	const char *inherited = getenv("NK_KCOV_FD");
	char num[16];
	int fd;

	if (!getenv("NK_KCOV_DIR"))
		return;
	/* Not O_CLOEXEC: an exec'd image of this task maps it again. */
	fd = open("/sys/kernel/debug/kcov", O_RDWR);
	if (fd < 0)
		return;
	if (ioctl(fd, KCOV_INIT_TRACE, WORDS))
		goto fail;
	cover = map(fd);
	if (!cover)
		goto fail;
	if (ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC) == 0) {
		__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
		kcov_fd = fd;
		snprintf(num, sizeof(num), "%d", fd);
		setenv("NK_KCOV_FD", num, 1);
	} else if (errno == EBUSY && inherited) {
		/* This task before exec enabled it: go on in its buffer. */
		munmap(cover, WORDS * sizeof(*cover));
		close(fd);
		kcov_fd = atoi(inherited);
		cover = map(kcov_fd);
		if (!cover)
			return;
	} else {
		goto fail;
	}
	owner = getpid();
	atexit(dump);
	return;
fail:
	if (cover)
		munmap(cover, WORDS * sizeof(*cover));
	cover = NULL;
	close(fd);
}
