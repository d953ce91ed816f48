// SPDX-License-Identifier: GPL-2.0

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/netdev_lock.h>
#include <net/netdev_rx_queue.h>

#ifdef CONFIG_NET

__rust_helper void *rust_helper_netdev_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

__rust_helper void rust_helper_dev_hold(struct net_device *dev)
{
	dev_hold(dev);
}

__rust_helper void rust_helper_dev_put(struct net_device *dev)
{
	dev_put(dev);
}

__rust_helper struct net *rust_helper_dev_net(const struct net_device *dev)
{
	return dev_net(dev);
}

__rust_helper void rust_helper_dev_sw_netstats_rx_add(struct net_device *dev,
						      unsigned int len)
{
	dev_sw_netstats_rx_add(dev, len);
}

__rust_helper void rust_helper_dev_sw_netstats_tx_add(struct net_device *dev,
						      unsigned int packets,
						      unsigned int len)
{
	dev_sw_netstats_tx_add(dev, packets, len);
}

__rust_helper void rust_helper_dev_lstats_add(struct net_device *dev,
					      unsigned int len)
{
	dev_lstats_add(dev, len);
}

__rust_helper void rust_helper_dev_core_stats_tx_dropped_inc(struct net_device *dev)
{
	dev_core_stats_tx_dropped_inc(dev);
}

__rust_helper long rust_helper_netdev_stats_read_tx_dropped(const struct net_device *dev)
{
	return DEV_STATS_READ(dev, tx_dropped);
}

__rust_helper bool rust_helper_netdev_need_ops_lock(const struct net_device *dev)
{
	return netdev_need_ops_lock(dev);
}

__rust_helper void rust_helper_ASSERT_RTNL(void)
{
	ASSERT_RTNL();
}

__rust_helper void rust_helper_netdev_assert_locked(const struct net_device *dev)
{
	netdev_assert_locked(dev);
}

__rust_helper struct netdev_rx_queue *
rust_helper___netif_get_rx_queue(struct net_device *dev, unsigned int rxq)
{
	return __netif_get_rx_queue(dev, rxq);
}

__rust_helper unsigned int
rust_helper_get_netdev_rx_queue_index(struct netdev_rx_queue *queue)
{
	return get_netdev_rx_queue_index(queue);
}

__rust_helper struct net_device *
rust_helper_netdev_notifier_info_to_dev(const struct netdev_notifier_info *info)
{
	return netdev_notifier_info_to_dev(info);
}

__rust_helper void rust_helper_unregister_netdevice(struct net_device *dev)
{
	unregister_netdevice(dev);
}

/*
 * netdev_lockdep_set_classes() with the keys passed in: the macro's own
 * static keys would give every Rust driver the same classes. The parameter
 * names become the lockdep class names.
 */
__rust_helper void
rust_helper_netdev_set_lockdep_keys(struct net_device *dev,
				    struct lock_class_key *qdisc_tx_busylock_key,
				    struct lock_class_key *qdisc_xmit_lock_key,
				    struct lock_class_key *dev_addr_list_lock_key,
				    struct lock_class_key *dev_instance_lock_key)
{
	unsigned int i;

	dev->qdisc_tx_busylock = qdisc_tx_busylock_key;
	lockdep_set_class(&dev->addr_list_lock, dev_addr_list_lock_key);
	lockdep_set_class(&dev->lock, dev_instance_lock_key);
	lock_set_cmp_fn(&dev->lock, netdev_lock_cmp_fn, NULL);
	for (i = 0; i < dev->num_tx_queues; i++)
		lockdep_set_class(&dev->_tx[i]._xmit_lock, qdisc_xmit_lock_key);
}

/*
 * priv_flags is a bitfield: bindgen's accessors move it one bit per loop
 * iteration, about a thousand instructions for one read-modify-write.
 */
__rust_helper void
rust_helper_netdev_change_priv_flags(struct net_device *dev, unsigned long set,
				     unsigned long clear)
{
	dev->priv_flags = (dev->priv_flags & ~clear) | set;
}

__rust_helper void rust_helper_eth_hw_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
}

__rust_helper bool rust_helper_is_valid_ether_addr(const u8 *addr)
{
	return is_valid_ether_addr(addr);
}

#endif /* CONFIG_NET */
