// SPDX-License-Identifier: GPL-2.0
/* netkit programs for the netkit selftests and demo. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/stddef.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Per-program packet counters, read by the tests through the pinned map. */
enum {
	CNT_PASS,
	CNT_DROP,
	CNT_NEXT,
	CNT_REDIRECT,
	/* nk_cilium; IPv4 packets only. */
	CNT_FC_REDIRECT,	/* cil_from_container: redirected to a pod */
	CNT_FC_PASS,		/* cil_from_container: passed to the host */
	CNT_FC_MARK,		/* cil_from_container: seen with skb->mark set */
	CNT_TC,			/* cil_to_container */
	CNT_TC_V2,		/* cil_to_container_v2 */
	CNT_TC_MARK,		/* cil_to_container(_v2): seen with skb->mark set */
	CNT_FN_PEER,		/* cil_from_netdev: bpf_redirect_peer to a pod */
	CNT_FN_PASS,		/* cil_from_netdev: passed to the host */
	CNT_FIB,		/* nk_fib_lookup: IPv4 packets looked up */
	CNT_FIB_FWD,		/* nk_fib_lookup: lookups past the forwarding check */
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

/* Drops IPv4 packets that carry a transmit time (skb->tstamp), passes the
 * other IPv4 packets (each counted) and all the rest.
 */
SEC("netkit/primary")
int nk_drop_tstamp(struct __sk_buff *skb)
{
	if (skb->protocol != __bpf_constant_htons(ETH_P_IP))
		return NETKIT_PASS;
	if (skb->tstamp)
		return count(CNT_DROP, NETKIT_DROP);
	return count(CNT_PASS, NETKIT_PASS);
}

#define AF_INET 2

/* bpf_fib_lookup() of iph's addresses from the skb's device (the peer). */
static __always_inline long fib_lookup(struct __sk_buff *skb, const struct iphdr *iph,
				       __u32 flags)
{
	struct bpf_fib_lookup p;

	__builtin_memset(&p, 0, sizeof(p));
	p.family = AF_INET;
	p.l4_protocol = iph->protocol;
	p.tos = iph->tos;
	p.tot_len = bpf_ntohs(iph->tot_len);
	p.ipv4_src = iph->saddr;
	p.ipv4_dst = iph->daddr;
	p.ifindex = skb->ifindex;
	return bpf_fib_lookup(skb, &p, sizeof(p), flags);
}

/*
 * Looks up each IPv4 packet's destination with bpf_fib_lookup() as Cilium's
 * programs do, through the FIB rules and directly in the main table, then
 * passes it. The helper rcu_dereference()s the device's in_device, the FIB
 * rules and the FIB trie: it needs the program run in rcu_read_lock().
 * A lookup reaches the FIB only with forwarding on for the peer
 * (skb->ifindex); otherwise it stops at the in_device check. Counts IPv4
 * packets, and the lookups that got past that check.
 */
SEC("netkit/primary")
int nk_fib_lookup(struct __sk_buff *skb)
{
	struct iphdr iph;
	long rc;

	if (skb->protocol != __bpf_constant_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN, &iph, sizeof(iph)))
		return NETKIT_PASS;
	count(CNT_FIB, 0);
	for (int i = 0; i < 2; i++) {
		rc = fib_lookup(skb, &iph, i ? BPF_FIB_LOOKUP_DIRECT : 0);
		if (rc >= 0 && rc != BPF_FIB_LKUP_RET_FWD_DISABLED)
			count(CNT_FIB_FWD, 0);
	}
	return NETKIT_PASS;
}

/*
 * A Cilium-like pod datapath (nk_cilium, demo): endpoints maps a pod's IPv4
 * address to its host-side netkit (the primary) and the MACs to write in L2
 * mode (all zero in L3 mode, as the netkit's own addresses are).
 */
struct endpoint {
	__u32 ifindex;
	__u8 mac[ETH_ALEN];		/* the pod's netkit (peer) */
	__u8 node_mac[ETH_ALEN];	/* the host-side netkit (primary) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);		/* IPv4 address, network order */
	__type(value, struct endpoint);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} endpoints SEC(".maps");

/* Frames on netkit and veth carry an Ethernet header in both netkit modes. */
static __always_inline struct endpoint *ipv4_endpoint(struct __sk_buff *skb)
{
	__u32 daddr;

	if (skb->protocol != __bpf_constant_htons(ETH_P_IP) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, daddr), &daddr, 4))
		return NULL;
	return bpf_map_lookup_elem(&endpoints, &daddr);
}

/* Pod egress (peer): to another pod by bpf_redirect, anything else to the host. */
SEC("netkit/peer")
int cil_from_container(struct __sk_buff *skb)
{
	struct endpoint *ep;

	if (skb->protocol != __bpf_constant_htons(ETH_P_IP))
		return NETKIT_PASS;
	if (skb->mark)
		count(CNT_FC_MARK, 0);
	ep = ipv4_endpoint(skb);
	if (!ep)
		return count(CNT_FC_PASS, NETKIT_PASS);
	if (bpf_skb_store_bytes(skb, 0, ep->mac, ETH_ALEN, 0) ||
	    bpf_skb_store_bytes(skb, ETH_ALEN, ep->node_mac, ETH_ALEN, 0))
		return count(CNT_DROP, NETKIT_DROP);
	count(CNT_FC_REDIRECT, 0);
	return bpf_redirect(ep->ifindex, 0);
}

static __always_inline int to_container(struct __sk_buff *skb, __u32 key)
{
	if (skb->protocol == __bpf_constant_htons(ETH_P_IP)) {
		if (skb->mark)
			count(CNT_TC_MARK, 0);
		count(key, 0);
	}
	return NETKIT_PASS;
}

/* Pod ingress (primary). */
SEC("netkit/primary")
int cil_to_container(struct __sk_buff *skb)
{
	return to_container(skb, CNT_TC);
}

/* The same, counted apart: shows a link update took effect. */
SEC("netkit/primary")
int cil_to_container_v2(struct __sk_buff *skb)
{
	return to_container(skb, CNT_TC_V2);
}

/* Host uplink ingress (tcx): into a pod by bpf_redirect_peer. */
SEC("tcx/ingress")
int cil_from_netdev(struct __sk_buff *skb)
{
	struct endpoint *ep;

	if (skb->protocol != __bpf_constant_htons(ETH_P_IP))
		return TCX_PASS;
	ep = ipv4_endpoint(skb);
	if (!ep)
		return count(CNT_FN_PASS, TCX_PASS);
	count(CNT_FN_PEER, 0);
	return bpf_redirect_peer(ep->ifindex, 0);
}

char __license[] SEC("license") = "GPL";
