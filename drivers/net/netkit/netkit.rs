// SPDX-License-Identifier: GPL-2.0

//! netkit: a BPF-programmable network device, in pairs or alone.
//!
//! The Rust counterpart of `drivers/net/netkit.c`: same devices, netlink
//! attributes, BPF attach points and C entry points.

use core::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering::Relaxed};
use kernel::{
    bindings,
    net::{
        dev::{
            self, features as f, flags, priv_flags as pf, BpfCommand, Device, DevicePtr, Driver,
            DriverDevice, Locked, NetdevBpf, RcuHeld, SetupDevice, SockAddr, Stats64, TxStatus,
        },
        ethtool::DrvInfo,
        mprog::{self, LinkInfo, Mprog, MprogDriver, Which},
        notifier::{self, Event, Notifier},
        queue,
        rtnl::{
            self, ifla, nla, nla_total_size, Attrs, ExtAck, IfName, LinkOps, LinkOpsTable, Msg,
            NameAssign, Net, NewDevice, NewLinkParams, PeerAttrs, Policy, PolicyEntry as P, Rtnl,
            UnregisterList,
        },
        skbuff::{DropReason, RxResult, SkBuff, ETH_HLEN},
    },
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::rcu,
};

const DRV_NAME: &CStr = c"netkit";

const NUM_RX_QUEUES_MAX: u32 = 1024;
const NUM_TX_QUEUES_MAX: u32 = 1;
const NUM_RX_QUEUES_REAL: u32 = 1;
const NUM_TX_QUEUES_REAL: u32 = 1;

// enum netkit_action
const NEXT: i32 = bindings::netkit_action_NETKIT_NEXT;
const PASS: i32 = bindings::netkit_action_NETKIT_PASS;
const DROP: i32 = bindings::netkit_action_NETKIT_DROP;
const REDIRECT: i32 = bindings::netkit_action_NETKIT_REDIRECT;
// enum netkit_mode, netkit_pairing, netkit_scrub
const L2: u32 = bindings::netkit_mode_NETKIT_L2;
const L3: u32 = bindings::netkit_mode_NETKIT_L3;
const PAIR: u32 = bindings::netkit_pairing_NETKIT_DEVICE_PAIR;
const SINGLE: u32 = bindings::netkit_pairing_NETKIT_DEVICE_SINGLE;
const SCRUB_DEFAULT: u32 = bindings::netkit_scrub_NETKIT_SCRUB_DEFAULT;
// IFLA_NETKIT_*
const A_PEER_INFO: u32 = bindings::IFLA_NETKIT_PEER_INFO;
const A_PRIMARY: u32 = bindings::IFLA_NETKIT_PRIMARY;
const A_POLICY: u32 = bindings::IFLA_NETKIT_POLICY;
const A_PEER_POLICY: u32 = bindings::IFLA_NETKIT_PEER_POLICY;
const A_MODE: u32 = bindings::IFLA_NETKIT_MODE;
const A_SCRUB: u32 = bindings::IFLA_NETKIT_SCRUB;
const A_PEER_SCRUB: u32 = bindings::IFLA_NETKIT_PEER_SCRUB;
const A_HEADROOM: u32 = bindings::IFLA_NETKIT_HEADROOM;
const A_TAILROOM: u32 = bindings::IFLA_NETKIT_TAILROOM;
const A_PAIRING: u32 = bindings::IFLA_NETKIT_PAIRING;
const A_MAX: u32 = bindings::IFLA_NETKIT_MAX;

// netkit's verdicts are tcx's (the BPF side shares helpers and semantics).
const _: () = assert!(
    NEXT == bindings::tcx_action_base_TCX_NEXT
        && PASS == bindings::tcx_action_base_TCX_PASS
        && DROP == bindings::tcx_action_base_TCX_DROP
        && REDIRECT == bindings::tcx_action_base_TCX_REDIRECT
);

/// Private data of a netkit device; `repr(C)` keeps the fast-path fields
/// together at the start, as the C driver's cacheline groups do.
#[repr(C)]
#[pin_data]
struct Netkit {
    // Fast path.
    peer: DevicePtr,
    policy: AtomicI32,
    scrub: AtomicU32,
    #[pin]
    mprog: Mprog,
    // Slow path, set before registration.
    mode: AtomicU32,
    pair: AtomicU32,
    primary: AtomicBool,
    headroom: AtomicU32,
}

type NkDev = DriverDevice<Netkit>;

static OPS: dev::Ops<Netkit> = dev::Ops::new();
static LINK_OPS: LinkOpsTable<Netkit> = LinkOpsTable::new();
static NOTIFIER: notifier::Block<Netkit> = notifier::Block::new();

static NETKIT_POLICY: Policy<{ A_MAX as usize + 1 }> = Policy::new([
    P::UNSPEC,
    P::min_len(core::mem::size_of::<bindings::ifinfomsg>() as u16), // PEER_INFO
    P::reject(c"Primary attribute is read-only"),                   // PRIMARY
    P::of_type(nla::U32),                                           // POLICY
    P::of_type(nla::U32),                                           // PEER_POLICY
    P::max(nla::U32, L3 as i16),                                    // MODE
    P::max(nla::U32, SCRUB_DEFAULT as i16),                         // SCRUB
    P::max(nla::U32, SCRUB_DEFAULT as i16),                         // PEER_SCRUB
    P::of_type(nla::U16),                                           // HEADROOM
    P::of_type(nla::U16),                                           // TAILROOM
    P::max(nla::U32, SINGLE as i16),                                // PAIRING
]);

kernel::netdev_export_peer_dev!(Netkit, netkit_peer_dev);
kernel::mprog_entry_points!(
    Netkit,
    attach: netkit_prog_attach,
    detach: netkit_prog_detach,
    query: netkit_prog_query,
    link_attach: netkit_link_attach
);

impl Netkit {
    fn is_primary(&self) -> bool {
        self.primary.load(Relaxed)
    }

    fn is_single(&self) -> bool {
        self.pair.load(Relaxed) == SINGLE
    }
}

fn check_policy(policy: u32, attr: &rtnl::Attr, extack: &mut ExtAck) -> Result {
    match policy as i32 {
        PASS | DROP => Ok(()),
        _ => {
            extack.set_msg_attr(c"Provided default xmit policy not supported", attr);
            Err(EINVAL)
        }
    }
}

#[vtable]
impl Driver for Netkit {
    type Priv = Netkit;

    const FEATURES_PASSTHRU: bool = true;

    fn ops() -> &'static dev::Ops<Self> {
        &OPS
    }

    fn priv_init() -> impl PinInit<Self> {
        pin_init!(Netkit {
            peer: DevicePtr::new(),
            policy: AtomicI32::new(PASS),
            scrub: AtomicU32::new(0),
            mprog <- Mprog::new(),
            mode: AtomicU32::new(0),
            pair: AtomicU32::new(0),
            primary: AtomicBool::new(false),
            headroom: AtomicU32::new(0),
        })
    }

    fn setup(dev: &mut SetupDevice<Self>) {
        const HW_VLAN: u64 =
            f::HW_VLAN_CTAG_TX | f::HW_VLAN_CTAG_RX | f::HW_VLAN_STAG_TX | f::HW_VLAN_STAG_RX;
        const FEATURES: u64 = HW_VLAN
            | f::SG
            | f::FRAGLIST
            | f::HW_CSUM
            | f::RXCSUM
            | f::SCTP_CRC
            | f::HIGHDMA
            | f::GSO_SOFTWARE
            | f::GSO_ENCAP_ALL;

        dev.ether_setup();
        dev.set_max_mtu(dev::ETH_MAX_MTU);
        dev.set_pcpu_stat_tstats();
        dev.add_flags(flags::NOARP);
        dev.change_priv_flags(
            pf::LIVE_ADDR_CHANGE | pf::PHONY_HEADROOM | pf::NO_QUEUE | pf::DISABLE_NETPOLL,
            pf::TX_SKB_SHARING,
        );
        dev.set_lltx();
        dev.set_netmem_tx_no_dma();
        dev.set_features(FEATURES);
        dev.set_mpls_features(f::HW_CSUM | f::GSO_SOFTWARE);
        let vlan = dev.features() & !HW_VLAN;
        dev.set_vlan_features(vlan);
        dev.set_needs_free_netdev();
        dev.set_tso_max_size(dev::GSO_MAX_SIZE);
    }

    fn init(dev: &NkDev) -> Result {
        dev.set_lockdep_classes();
        Ok(())
    }

    fn uninit(dev: &NkDev, rtnl: &Rtnl) {
        dev.data().mprog.release_all::<Netkit>(rtnl);
        queue_unlease(dev);
    }

    fn open(dev: &NkDev, rtnl: &Rtnl) -> Result {
        let nk = dev.data();
        if nk.is_single() {
            dev.carrier_on();
            return Ok(());
        }
        let peer = nk.peer.get_rtnl(rtnl).ok_or(ENOTCONN)?;
        if peer.is_up() {
            dev.carrier_on();
            peer.carrier_on();
        }
        Ok(())
    }

    fn stop(dev: &NkDev, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        if let Some(peer) = dev.data().peer.get_rtnl(rtnl) {
            peer.carrier_off();
        }
        Ok(())
    }

    #[inline(always)]
    fn start_xmit(mut skb: SkBuff, dev: &NkDev) -> TxStatus {
        mprog::with_net_context(|| {
            let nk = dev.data();
            let mut ret = nk.policy.load(Relaxed);
            let len = skb.len();
            let rcu = rcu::read_lock();
            let peer = match nk.peer.get(&rcu) {
                Some(p) if p.is_up() && skb.may_pull(ETH_HLEN) && skb.orphan_frags_atomic() => p,
                _ => return drop_skb(dev, skb),
            };
            skb.prep_forward(!dev.same_net(peer), nk.scrub.load(Relaxed) != 0);
            skb.eth_pkt_type(peer);
            skb.set_dev(peer);
            ret = nk.mprog.run(&rcu, &mut skb, ret, NEXT);
            match ret {
                NEXT | PASS => {
                    skb.pull_eth_header();
                    match skb.netif_rx() {
                        RxResult::Success => {
                            dev.sw_netstats_tx_add(1, len);
                            peer.sw_netstats_rx_add(len);
                            TxStatus::Success
                        }
                        RxResult::Dropped => {
                            dev.core_stats_tx_dropped_inc();
                            TxStatus::Drop
                        }
                    }
                }
                REDIRECT => {
                    dev.sw_netstats_tx_add(1, len);
                    skb.do_redirect();
                    TxStatus::Success
                }
                _ => drop_skb(dev, skb),
            }
        })
    }

    fn get_iflink(dev: &NkDev) -> i32 {
        let rcu = rcu::read_lock();
        dev.data().peer.get(&rcu).map_or(0, Device::ifindex)
    }

    fn get_peer_dev<'a>(dev: &'a NkDev, rcu: &'a RcuHeld) -> Option<&'a Device> {
        dev.data().peer.get(rcu)
    }

    fn get_stats64(dev: &NkDev, stats: &mut Stats64) {
        stats.fetch_sw_netstats(dev);
        stats.set_tx_dropped_from(dev);
    }

    fn set_mac_address(dev: &NkDev, addr: &SockAddr) -> Result {
        if dev.data().mode.load(Relaxed) != L2 {
            return Err(EOPNOTSUPP);
        }
        dev.eth_mac_addr(addr)
    }

    fn set_rx_headroom(dev: &NkDev, headroom: i32) {
        let headroom = if headroom < 0 {
            dev::NET_SKB_PAD
        } else {
            headroom as u32
        };
        let nk = dev.data();
        let rcu = rcu::read_lock();
        nk.headroom.store(headroom, Relaxed);
        match nk.peer.get(&rcu).and_then(|p| p.downcast::<Netkit>()) {
            None => dev.set_needed_headroom(headroom as u16),
            Some(peer) => {
                let h = headroom.max(peer.data().headroom.load(Relaxed)) as u16;
                peer.set_needed_headroom(h);
                dev.set_needed_headroom(h);
            }
        }
    }

    fn set_rx_mode_async(_dev: &NkDev) -> Result {
        // Nothing to do, we receive whatever gets pushed to us!
        Ok(())
    }

    fn bpf(dev: &NkDev, cmd: &mut NetdevBpf) -> Result {
        let (queue_id, create) = match cmd.command() {
            BpfCommand::SetupXskPool { queue_id, create } => (queue_id, create),
            BpfCommand::SetupProg => return Err(EOPNOTSUPP),
            BpfCommand::Other => return Err(EINVAL),
        };
        if !dev.data().is_single() {
            return Err(EOPNOTSUPP);
        }
        let rxq = dev.rx_queue(u32::from(queue_id)).ok_or(EINVAL)?;
        let lease = rxq.lease().ok_or(EOPNOTSUPP)?;
        let phys = lease.device();
        let xsk = phys.xsk_ops().ok_or(EOPNOTSUPP)?;
        let mut lower = cmd.xsk_for_queue(lease.index() as u16);
        let lock = phys.lock();
        if create && !phys.xdp_features_xsk() {
            return Err(EOPNOTSUPP);
        }
        if create && phys.min_mp_channel_count(&lock) != 0 {
            return Err(EBUSY);
        }
        xsk.bpf(phys, &lock, &mut lower)
    }

    fn xsk_wakeup(dev: &NkDev, queue_id: u32, flags: u32) -> Result {
        let rxq = dev.rx_queue(queue_id).ok_or(EINVAL)?;
        let lease = rxq.lease().ok_or(EOPNOTSUPP)?;
        let phys = lease.device();
        // `bpf` checked the physical device's AF_XDP support when the pool
        // was set up, and a lease ends before that device can change.
        let xsk = phys.xsk_ops().ok_or(EOPNOTSUPP)?;
        xsk.wakeup(phys, lease.index(), flags)
    }

    fn queue_create(dev: &NkDev, locked: &Locked, extack: &mut ExtAck) -> Result<u32> {
        let nk = dev.data();
        let old = dev.real_num_rx_queues();
        // In paired mode only the peer (non-primary) device leases queues;
        // the primary is the management side. Single devices always may.
        if !nk.is_single() && nk.is_primary() {
            extack.set_msg(c"netkit can only lease against the peer device");
            return Err(EOPNOTSUPP);
        }
        if let Err(e) = dev.set_real_num_rx_queues(locked, old + 1) {
            if old + 1 > dev.num_rx_queues() {
                extack.set_msg(c"netkit maximum queue limit reached");
            } else {
                extack.set_msg_fmt(format_args!(
                    "netkit cannot create more queues err={}",
                    e.to_errno()
                ));
            }
            return Err(e);
        }
        Ok(old)
    }

    fn get_drvinfo(_dev: &NkDev, info: &mut DrvInfo) {
        info.set_driver(DRV_NAME);
    }
}

#[inline(always)]
fn drop_skb(dev: &NkDev, skb: SkBuff) -> TxStatus {
    skb.drop_reason(DropReason::NotSpecified);
    dev.core_stats_tx_dropped_inc();
    TxStatus::Drop
}

/// Ends every queue lease of `dev` (`ndo_uninit`).
fn queue_unlease(dev: &NkDev) {
    let n = dev.real_num_rx_queues();
    if n == NUM_RX_QUEUES_REAL {
        return;
    }
    let lock = dev.lock();
    for i in 1..n {
        let Some(rxq) = dev.rx_queue(i) else { break };
        let Some(phys_q) = rxq.lease() else { continue };
        let phys_lock = phys_q.device().lock();
        rxq.unlease(phys_q, &lock, &phys_lock);
    }
}

#[vtable]
impl LinkOps for Netkit {
    const KIND: &'static CStr = DRV_NAME;
    const MAX_TYPE: u32 = A_MAX;
    const PEER_TYPE: u16 = A_PEER_INFO as u16;
    const POLICY: &'static [bindings::nla_policy] = NETKIT_POLICY.as_slice();

    fn link_ops() -> &'static LinkOpsTable<Self> {
        &LINK_OPS
    }

    fn peer(data: &Netkit) -> Option<&DevicePtr> {
        Some(&data.peer)
    }

    fn alloc_queues(num_tx: u32, num_rx: u32) -> Result<(u32, u32)> {
        if num_tx > NUM_TX_QUEUES_MAX || num_rx > NUM_RX_QUEUES_MAX {
            return Err(EOPNOTSUPP);
        }
        Ok((NUM_TX_QUEUES_REAL, NUM_RX_QUEUES_REAL))
    }

    fn validate(tb: Attrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        let Some(attr) = tb.get(ifla::ADDRESS) else {
            return Ok(());
        };
        if attr.len() != 6 {
            return Err(EINVAL);
        }
        if !dev::is_valid_ether_addr(attr.data()) {
            return Err(EADDRNOTAVAIL);
        }
        Ok(())
    }

    fn newlink(
        rtnl: &Rtnl,
        mut dev: NewDevice<'_, Self>,
        params: &NewLinkParams<'_>,
        extack: &mut ExtAck,
    ) -> Result {
        let tb = params.tb();
        let data = params.data::<Self>();
        let mut mode = L3;
        let mut pair = PAIR;
        let (mut scrub_prim, mut scrub_peer) = (SCRUB_DEFAULT, SCRUB_DEFAULT);
        let (mut policy_prim, mut policy_peer) = (PASS as u32, PASS as u32);
        let (mut headroom, mut tailroom) = (0u16, 0u16);
        let mut peer_info = None;

        if let Some(a) = data.get(A_MODE) {
            mode = a.get_u32();
        }
        if let Some(a) = data.get(A_PEER_INFO) {
            peer_info = Some(PeerAttrs::parse(a, extack)?);
        }
        if let Some(a) = data.get(A_SCRUB) {
            scrub_prim = a.get_u32();
        }
        if let Some(a) = data.get(A_PEER_SCRUB) {
            scrub_peer = a.get_u32();
        }
        if let Some(a) = data.get(A_POLICY) {
            policy_prim = a.get_u32();
            check_policy(policy_prim, a, extack)?;
        }
        if let Some(a) = data.get(A_PEER_POLICY) {
            policy_peer = a.get_u32();
            check_policy(policy_peer, a, extack)?;
        }
        if let Some(a) = data.get(A_HEADROOM) {
            headroom = a.get_u16();
        }
        if let Some(a) = data.get(A_TAILROOM) {
            tailroom = a.get_u16();
        }
        if let Some(a) = data.get(A_PAIRING) {
            pair = a.get_u32();
        }
        let seen_scrub = data.get(A_SCRUB).is_some();
        let seen_peer = data.get(A_PEER_INFO).is_some()
            || data.get(A_PEER_SCRUB).is_some()
            || data.get(A_PEER_POLICY).is_some();

        let tbp = peer_info.as_ref().map_or(tb, PeerAttrs::attrs);
        let (ifname, assign) = match peer_info.as_ref().and_then(|p| p.attrs().get(ifla::IFNAME)) {
            Some(a) => (IfName::from_attr(a), NameAssign::User),
            None => (IfName::new(c"nk%d"), NameAssign::Enum),
        };
        if mode != L2 && (tb.get(ifla::ADDRESS).is_some() || tbp.get(ifla::ADDRESS).is_some()) {
            return Err(EOPNOTSUPP);
        }
        if pair == SINGLE
            && (peer_info.is_some() || seen_peer || seen_scrub || policy_prim != PASS as u32)
        {
            return Err(EOPNOTSUPP);
        }

        let init = |d: &NkDev, primary: bool, policy: u32, scrub: u32| {
            let nk = d.data();
            nk.primary.store(primary, Relaxed);
            nk.policy.store(policy as i32, Relaxed);
            nk.scrub.store(scrub, Relaxed);
            nk.mode.store(mode, Relaxed);
            nk.pair.store(pair, Relaxed);
            nk.headroom.store(u32::from(headroom), Relaxed);
            if headroom != 0 {
                d.set_needed_headroom(headroom);
            }
            if tailroom != 0 {
                d.set_needed_tailroom(tailroom);
            }
        };

        let mut peer = None;
        if pair == PAIR {
            let mut p = Self::create_peer(rtnl, params.peer_net(), &ifname, assign, tbp, extack)?;
            p.dev().inherit_tso_max(dev.dev());
            if mode == L2 && !(peer_info.is_some() && tbp.get(ifla::ADDRESS).is_some()) {
                p.dev().eth_hw_addr_random(rtnl);
            }
            if let Some(pi) = peer_info.as_ref() {
                if dev.dev().ifindex() != 0 {
                    p.set_ifindex(pi.ifi_index());
                }
            }
            init(p.dev(), false, policy_peer, scrub_peer);
            let p = p.register(rtnl)?;
            p.carrier_off();
            if mode == L2 {
                // As in C, a failure here leaves the device as it is.
                let _ = p.change_flags(rtnl, p.flags() & !flags::NOARP);
            }
            if let Err(e) = rtnl::configure_link(rtnl, p) {
                rtnl::unregister(rtnl, p);
                return Err(e);
            }
            peer = Some(p);
        }

        if mode == L2 && tb.get(ifla::ADDRESS).is_none() {
            dev.dev().eth_hw_addr_random(rtnl);
        }
        match tb.get(ifla::IFNAME) {
            Some(a) => dev.set_name(&IfName::from_attr(a)),
            None => dev.set_name(&IfName::new(c"nk%d")),
        }
        init(dev.dev(), true, policy_prim, scrub_prim);
        if pair == SINGLE {
            dev.set_xdp_features_xsk();
        }
        let d = match dev.register(rtnl) {
            Ok(d) => d,
            Err(e) => {
                if let Some(p) = peer {
                    rtnl::unregister(rtnl, p);
                }
                return Err(e);
            }
        };
        d.carrier_off();
        if mode == L2 {
            // As in C, a failure here leaves the device as it is.
            let _ = d.change_flags(rtnl, d.flags() & !flags::NOARP);
        }
        if let Some(p) = peer {
            rtnl::pair(rtnl, d, p);
        }
        Ok(())
    }

    fn dellink(rtnl: &Rtnl, dev: &NkDev, peer: Option<&NkDev>, list: &mut UnregisterList<'_>) {
        list.queue(rtnl, dev);
        if let Some(peer) = peer {
            // The peer may already be queued (e.g. by a same-namespace
            // teardown or by our notifier): queueing it twice would corrupt
            // the list.
            if !peer.unregister_queued(rtnl) {
                list.queue(rtnl, peer);
            }
        }
    }

    fn changelink(
        rtnl: &Rtnl,
        dev: &NkDev,
        _tb: Attrs<'_>,
        data: Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result {
        const FIXED: [(u32, &str); 7] = [
            (A_MODE, "operating mode"),
            (A_SCRUB, "scrubbing"),
            (A_PEER_SCRUB, "peer scrubbing"),
            (A_PEER_INFO, "peer info"),
            (A_HEADROOM, "headroom"),
            (A_TAILROOM, "tailroom"),
            (A_PAIRING, "pairing"),
        ];
        let nk = dev.data();
        if !nk.is_primary() {
            extack.set_msg(c"netkit link settings can be changed only through the primary device");
            return Err(EACCES);
        }
        for (ty, name) in FIXED {
            if let Some(a) = data.get(ty) {
                extack.set_msg_attr_fmt(
                    a,
                    format_args!("netkit link {name} cannot be changed after device creation"),
                );
                return Err(EACCES);
            }
        }
        if let Some(a) = data.get(A_POLICY) {
            let policy = a.get_u32();
            if nk.is_single() {
                return Err(EOPNOTSUPP);
            }
            check_policy(policy, a, extack)?;
            nk.policy.store(policy as i32, Relaxed);
        }
        if let Some(a) = data.get(A_PEER_POLICY) {
            let policy = a.get_u32();
            let peer = nk
                .peer
                .get_rtnl(rtnl)
                .and_then(|p| p.downcast::<Netkit>())
                .ok_or(EOPNOTSUPP)?;
            check_policy(policy, a, extack)?;
            peer.data().policy.store(policy as i32, Relaxed);
        }
        Ok(())
    }

    fn get_size(_dev: &NkDev) -> usize {
        6 * nla_total_size(4) // POLICY, PEER_POLICY, SCRUB, PEER_SCRUB, MODE, PAIRING
            + nla_total_size(1) // PRIMARY
            + 2 * nla_total_size(2) // HEADROOM, TAILROOM
    }

    fn fill_info(rtnl: &Rtnl, dev: &NkDev, msg: &mut Msg) -> Result {
        let nk = dev.data();
        msg.put_u8(A_PRIMARY, u8::from(nk.is_primary()))?;
        msg.put_u32(A_POLICY, nk.policy.load(Relaxed) as u32)?;
        msg.put_u32(A_MODE, nk.mode.load(Relaxed))?;
        if !nk.is_single() {
            msg.put_u32(A_SCRUB, nk.scrub.load(Relaxed))?;
        }
        msg.put_u16(A_HEADROOM, dev.needed_headroom())?;
        msg.put_u16(A_TAILROOM, dev.needed_tailroom())?;
        msg.put_u32(A_PAIRING, nk.pair.load(Relaxed))?;
        if let Some(peer) = nk.peer.get_rtnl(rtnl).and_then(|p| p.downcast::<Netkit>()) {
            let pk = peer.data();
            msg.put_u32(A_PEER_POLICY, pk.policy.load(Relaxed) as u32)?;
            msg.put_u32(A_PEER_SCRUB, pk.scrub.load(Relaxed))?;
        }
        Ok(())
    }

    fn get_link_net(rtnl: &Rtnl, dev: &NkDev) -> Net {
        let d: &Device = dev;
        Net::of(dev.data().peer.get_rtnl(rtnl).unwrap_or(d))
    }
}

impl MprogDriver for Netkit {
    const LINK_TYPE: u32 = bindings::bpf_link_type_BPF_LINK_TYPE_NETKIT;

    fn mprog(data: &Netkit) -> &Mprog {
        &data.mprog
    }

    fn target<'a>(
        rtnl: &'a Rtnl,
        net: Net,
        ifindex: u32,
        attach_type: u32,
        _which: Which,
    ) -> Result<&'a NkDev> {
        let peer_side = match attach_type {
            bindings::bpf_attach_type_BPF_NETKIT_PRIMARY => false,
            bindings::bpf_attach_type_BPF_NETKIT_PEER => true,
            _ => return Err(EINVAL),
        };
        let dev = dev::get_by_index(rtnl, net, ifindex).ok_or(ENODEV)?;
        let dev = dev.downcast::<Netkit>().ok_or(ENXIO)?;
        let nk = dev.data();
        if !nk.is_primary() {
            return Err(EACCES);
        }
        if nk.is_single() {
            return Err(EOPNOTSUPP);
        }
        if !peer_side {
            return Ok(dev);
        }
        nk.peer
            .get_rtnl(rtnl)
            .and_then(|p| p.downcast::<Netkit>())
            .ok_or(ENODEV)
    }

    fn link_show_fdinfo(seq: &SeqFile, ifindex: u32, attach_type: u32) {
        let side = if attach_type == bindings::bpf_attach_type_BPF_NETKIT_PRIMARY {
            "primary"
        } else {
            "peer"
        };
        seq_print!(seq, "ifindex:\t{}\n", ifindex);
        seq_print!(seq, "attach_type:\t{} ({})\n", attach_type, side);
    }

    fn link_fill_info(info: &mut LinkInfo, ifindex: u32, attach_type: u32) {
        info.set_netkit(ifindex, attach_type);
    }
}

impl Notifier for Netkit {
    fn block() -> &'static notifier::Block<Self> {
        &NOTIFIER
    }

    /// Deletes the netkits that lease queues of a physical device that goes
    /// away, in one batch: a physical device may lease several queues to one
    /// netkit and queues to several netkits.
    fn event(rtnl: &Rtnl, event: Event, dev: &Device) {
        if event != Event::UNREGISTER || !dev.is_unregistering() || !dev.has_parent() {
            return;
        }
        rtnl::unregister_many(rtnl, |list| {
            let lock = dev.lock_ops();
            for i in 0..dev.real_num_rx_queues() {
                let Some(nk) = queue::leasee(dev, &lock, i).and_then(|d| d.downcast::<Netkit>())
                else {
                    continue;
                };
                if nk.unregister_queued(rtnl) {
                    continue;
                }
                rtnl::dellink::<Netkit>(rtnl, nk, list);
            }
        });
    }
}

struct NetkitModule {
    _notifier: notifier::Registration<Netkit>,
    _link: rtnl::Registration<Netkit>,
}

impl kernel::Module for NetkitModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let link = rtnl::Registration::<Netkit>::register()?;
        let notifier = notifier::Registration::<Netkit>::register()?;
        Ok(Self {
            _notifier: notifier,
            _link: link,
        })
    }
}

module! {
    type: NetkitModule,
    name: "netkit",
    authors: [
        "Daniel Borkmann <daniel@iogearbox.net>",
        "Nikolay Aleksandrov <razor@blackwall.org>",
    ],
    description: "BPF-programmable network device",
    license: "GPL",
    alias: ["rtnl-link-netkit"],
}
