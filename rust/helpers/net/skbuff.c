// SPDX-License-Identifier: GPL-2.0

#include <linux/etherdevice.h>
#include <linux/netfilter_netdev.h>
#include <linux/skbuff.h>

#ifdef CONFIG_NET

__rust_helper void rust_helper_lockdep_assert_in_softirq(void)
{
	lockdep_assert_in_softirq();
}

__rust_helper unsigned int rust_helper_net_skb_pad(void)
{
	return NET_SKB_PAD;
}

__rust_helper void rust_helper_kfree_skb_reason(struct sk_buff *skb,
						enum skb_drop_reason reason)
{
	kfree_skb_reason(skb, reason);
}

__rust_helper bool rust_helper_pskb_may_pull(struct sk_buff *skb, unsigned int len)
{
	return pskb_may_pull(skb, len);
}

__rust_helper int rust_helper_skb_orphan_frags(struct sk_buff *skb, gfp_t gfp_mask)
{
	return skb_orphan_frags(skb, gfp_mask);
}

__rust_helper void rust_helper_skb_reset_mac_header(struct sk_buff *skb)
{
	skb_reset_mac_header(skb);
}

__rust_helper void rust_helper_skb_clear_tstamp(struct sk_buff *skb)
{
	skb_clear_tstamp(skb);
}

__rust_helper void rust_helper_nf_skip_egress(struct sk_buff *skb, bool skip)
{
	nf_skip_egress(skb, skip);
}

__rust_helper void rust_helper_eth_skb_pkt_type(struct sk_buff *skb,
						const struct net_device *dev)
{
	eth_skb_pkt_type(skb, dev);
}

__rust_helper struct ethhdr *rust_helper_eth_skb_pull_mac(struct sk_buff *skb)
{
	return eth_skb_pull_mac(skb);
}

__rust_helper void rust_helper_skb_postpull_rcsum(struct sk_buff *skb,
						  const void *start,
						  unsigned int len)
{
	skb_postpull_rcsum(skb, start, len);
}

__rust_helper void rust_helper_skb_tx_timestamp(struct sk_buff *skb)
{
	skb_tx_timestamp(skb);
}

#endif /* CONFIG_NET */
