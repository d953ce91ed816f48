# SPDX-License-Identifier: GPL-2.0
# Reopens the holes the cases 64-69 cover (what the second driver, dummy,
# added, and a notifier deleting any device; 16 too), in a copy of
# rust/kernel: with tools/nk/cf-reopen.sh each of them
# must then compile.
from edit import ed
# 64: a shared skb handed on like an owned one
ed('net/skbuff.rs',[('''    /// Releases the reference as a packet sent''','''    /// Reopened.
    pub fn reset_mac_header(&mut self) {}

    /// Reopened.
    pub fn netif_rx(self, _ctx: &TxContext) {}

    /// Releases the reference as a packet sent''')])
# 65: lstats of any driver
ed('net/dev/driver_device.rs',[('''                matches!(T::PCPU_STATS, PcpuStats::Lstats),''','''                true || matches!(T::PCPU_STATS, PcpuStats::Lstats),''')])
ed('net/dev/stats.rs',[('''                matches!(T::PCPU_STATS, PcpuStats::Lstats),''','''                true || matches!(T::PCPU_STATS, PcpuStats::Lstats),''')])
# 66: both transmit callbacks
ed('net/dev/adapter.rs',[('''                T::HAS_START_XMIT != T::HAS_START_XMIT_SHARED,''','''                true || T::HAS_START_XMIT != T::HAS_START_XMIT_SHARED,''')])
# 16, 67: deleting any device of the driver from a notifier
ed('net/rtnl/unregister.rs',[('fn unregister_many(rtnl: &mut Rtnl,','pub fn unregister_many(rtnl: &mut Rtnl,'),
 ('fn dellink<T: LinkOps>(list:','pub fn dellink<T: LinkOps>(list:'),
 ('pub(crate) struct UnregisterList','pub struct UnregisterList'),
 ('    fn queue(&mut self, dev: &dev::Device) {','    pub fn queue(&mut self, dev: &dev::Device) {')])
ed('net/rtnl.rs',[('pub(crate) use unregister::UnregisterList;','pub use unregister::{dellink, unregister_many, UnregisterList};')])
# 68: a proof anyone can make; 69: a proof kept across calls
ed('net/skbuff.rs',[('pub struct Freed(NotThreadSafe);','pub struct Freed(pub ());'),
 ('        Freed(NotThreadSafe)','        Freed(())')])
