// SPDX-License-Identifier: GPL-2.0

#include <net/netlink.h>
#include <net/rtnetlink.h>

#ifdef CONFIG_NET

__rust_helper int rust_helper_nla_len(const struct nlattr *nla)
{
	return nla_len(nla);
}

__rust_helper void *rust_helper_nla_data(const struct nlattr *nla)
{
	return nla_data(nla);
}

__rust_helper int rust_helper_nla_total_size(int payload)
{
	return nla_total_size(payload);
}

__rust_helper struct net *
rust_helper_rtnl_newlink_peer_net(struct rtnl_newlink_params *p)
{
	return rtnl_newlink_peer_net(p);
}

#endif /* CONFIG_NET */
