// SPDX-License-Identifier: GPL-2.0
/* netkit programs for the netkit selftests and demo. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Per-program packet counters, read by the tests through the pinned map. */
enum {
	CNT_PASS,
	CNT_DROP,
	CNT_NEXT,
	CNT_REDIRECT,
	CNT_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

/* ifindex for nk_redirect, set at load time; the only .rodata variable. */
volatile const __u32 redirect_ifindex;

static __always_inline int count(__u32 key, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &key);

	if (c)
		__sync_fetch_and_add(c, 1);
	return verdict;
}

SEC("netkit/primary")
int nk_pass(struct __sk_buff *skb)
{
	return count(CNT_PASS, NETKIT_PASS);
}

SEC("netkit/primary")
int nk_drop(struct __sk_buff *skb)
{
	return count(CNT_DROP, NETKIT_DROP);
}

SEC("netkit/primary")
int nk_next(struct __sk_buff *skb)
{
	return count(CNT_NEXT, NETKIT_NEXT);
}

SEC("netkit/primary")
int nk_redirect(struct __sk_buff *skb)
{
	count(CNT_REDIRECT, NETKIT_REDIRECT);
	return bpf_redirect(redirect_ifindex, 0);
}

/* Counts IPv4 packets; lets ARP, IPv6 ND through untouched. */
SEC("netkit/primary")
int nk_count_ipv4(struct __sk_buff *skb)
{
	if (skb->protocol == __bpf_constant_htons(ETH_P_IP))
		return count(CNT_PASS, NETKIT_PASS);
	return NETKIT_PASS;
}

/* Drops IPv4, passes the rest. */
SEC("netkit/primary")
int nk_drop_ipv4(struct __sk_buff *skb)
{
	if (skb->protocol == __bpf_constant_htons(ETH_P_IP))
		return count(CNT_DROP, NETKIT_DROP);
	return NETKIT_PASS;
}

char __license[] SEC("license") = "GPL";
