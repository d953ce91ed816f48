// SPDX-License-Identifier: GPL-2.0

//! netkit: a BPF-programmable network device, in pairs or alone.
//!
//! The Rust counterpart of `drivers/net/netkit.c`: same devices, netlink
//! attributes, BPF attach points and C entry points.

use kernel::{
    net::{
        dev::{
            self, Device, Driver, DriverDevice, Feature as F, Features, Flag, NewRxQueue,
            PcpuStats, PeerSlot, PrivField, PrivFlag as Pf, RcuHeld, RxQueues, SetupDevice,
            SockAddr, Stats64, TxStatus,
        },
        ethtool::DrvInfo,
        mprog::{AttachType, LinkType, Mprog, MprogDriver, Which},
        notifier::{Event, Notifier},
        queue::XskWakeup,
        rtnl::{
            self, ifla, nla_total_size, Attr, Attrs, ExtAck, IfName, LinkAttrs, LinkOps, Msg,
            NameAssign, Net, NewDevice, NewLinkDone, NewLinkParams, NlaType, Peer, PeerAttrs,
            Policy, PolicyEntry as P, PolicyTable, Registered, Rtnl, RtnlAtomic,
        },
        skbuff::{BpfNetContext, DropReason, RxResult, SkBuff, TxContext, ETH_HLEN},
    },
    prelude::*,
    seq_file::SeqFile,
    seq_print,
    sync::atomic::{Atomic, Relaxed},
    uapi,
};

const DRV_NAME: &CStr = c"netkit";

const NUM_RX_QUEUES_MAX: u32 = 1024;
const NUM_TX_QUEUES_MAX: u32 = 1;
const NUM_RX_QUEUES_REAL: u32 = 1;
const NUM_TX_QUEUES_REAL: u32 = 1;

// enum netkit_action
const NEXT: i32 = uapi::netkit_action_NETKIT_NEXT;
const PASS: i32 = uapi::netkit_action_NETKIT_PASS;
const DROP: i32 = uapi::netkit_action_NETKIT_DROP;
const REDIRECT: i32 = uapi::netkit_action_NETKIT_REDIRECT;
// enum netkit_mode, netkit_pairing, netkit_scrub
const L2: u32 = uapi::netkit_mode_NETKIT_L2;
const L3: u32 = uapi::netkit_mode_NETKIT_L3;
const PAIR: u32 = uapi::netkit_pairing_NETKIT_DEVICE_PAIR;
const SINGLE: u32 = uapi::netkit_pairing_NETKIT_DEVICE_SINGLE;
const SCRUB_DEFAULT: u32 = uapi::netkit_scrub_NETKIT_SCRUB_DEFAULT;
// IFLA_NETKIT_*
const A_PEER_INFO: u32 = uapi::IFLA_NETKIT_PEER_INFO;
const A_PRIMARY: u32 = uapi::IFLA_NETKIT_PRIMARY;
const A_POLICY: u32 = uapi::IFLA_NETKIT_POLICY;
const A_PEER_POLICY: u32 = uapi::IFLA_NETKIT_PEER_POLICY;
const A_MODE: u32 = uapi::IFLA_NETKIT_MODE;
const A_SCRUB: u32 = uapi::IFLA_NETKIT_SCRUB;
const A_PEER_SCRUB: u32 = uapi::IFLA_NETKIT_PEER_SCRUB;
const A_HEADROOM: u32 = uapi::IFLA_NETKIT_HEADROOM;
const A_TAILROOM: u32 = uapi::IFLA_NETKIT_TAILROOM;
const A_PAIRING: u32 = uapi::IFLA_NETKIT_PAIRING;
const A_MAX: u32 = uapi::__IFLA_NETKIT_MAX - 1;
// The headroom counts into the u16 header offsets of each skb the stack
// builds for the device (`LL_RESERVED_SPACE()`) and into the u16
// `needed_headroom` of devices stacked on it: half of that space leaves the
// other half for alignment, headers and stacked devices.
const HEADROOM_MAX: i16 = i16::MAX;
// enum bpf_attach_type
const ATTACH_PRIMARY: AttachType = AttachType::new(uapi::bpf_attach_type_BPF_NETKIT_PRIMARY);
const ATTACH_PEER: AttachType = AttachType::new(uapi::bpf_attach_type_BPF_NETKIT_PEER);

// netkit's verdicts are tcx's (the BPF side shares helpers and semantics).
const _: () = assert!(
    NEXT == uapi::tcx_action_base_TCX_NEXT
        && PASS == uapi::tcx_action_base_TCX_PASS
        && DROP == uapi::tcx_action_base_TCX_DROP
        && REDIRECT == uapi::tcx_action_base_TCX_REDIRECT
);

/// Private data of a netkit device; `repr(C)` keeps the fast-path fields
/// together at the start, as the C driver's cacheline groups do.
#[repr(C)]
#[pin_data]
struct Netkit {
    // Fast path.
    peer: PeerSlot,
    policy: Atomic<i32>,
    scrub: u32,
    #[pin]
    mprog: Mprog,
    // Slow path.
    mode: u32,
    pair: u32,
    primary: bool,
    headroom: Atomic<u32>,
}

type NkDev = DriverDevice<Netkit>;

static NETKIT_POLICY: Policy<{ A_MAX as usize + 1 }> = Policy::new([
    P::UNSPEC,
    P::peer_info(),                               // PEER_INFO
    P::reject(c"Primary attribute is read-only"), // PRIMARY
    P::of_type(NlaType::U32),                     // POLICY
    P::of_type(NlaType::U32),                     // PEER_POLICY
    P::max(NlaType::U32, L3 as i16),              // MODE
    P::max(NlaType::U32, SCRUB_DEFAULT as i16),   // SCRUB
    P::max(NlaType::U32, SCRUB_DEFAULT as i16),   // PEER_SCRUB
    P::max(NlaType::U16, HEADROOM_MAX),           // HEADROOM
    P::of_type(NlaType::U16),                     // TAILROOM
    P::max(NlaType::U32, SINGLE as i16),          // PAIRING
]);

kernel::mprog_entry_points!(
    Netkit,
    attach: netkit_prog_attach,
    detach: netkit_prog_detach,
    query: netkit_prog_query,
    link_attach: netkit_link_attach
);

impl Netkit {
    fn is_single(&self) -> bool {
        self.pair == SINGLE
    }
}

fn check_policy(policy: u32, attr: &Attr, extack: &mut ExtAck) -> Result {
    match policy as i32 {
        PASS | DROP => Ok(()),
        _ => {
            extack.set_msg_attr(c"Provided default xmit policy not supported", attr);
            Err(EINVAL)
        }
    }
}

/// `netkit_prep_forward`: what a packet must not carry across the pair.
/// Its `skb_reset_mac_header()` is left to [`SkBuff::eth_pkt_type`], which
/// [`xmit`] calls next.
#[inline(always)]
fn prep_forward(skb: &mut SkBuff<'_>, xnet: bool, xnet_scrub: bool) {
    skb.scrub_packet(false);
    skb.nf_skip_egress(true);
    if !xnet {
        return;
    }
    skb.clear_tstamp();
    if xnet_scrub {
        skb.clear_priority_mark();
    }
}

#[vtable]
impl Driver for Netkit {
    type Priv = Netkit;

    const PCPU_STATS: PcpuStats = PcpuStats::Tstats;
    const FEATURES_PASSTHRU: bool = true;
    const PAIR: Option<PrivField<Self, PeerSlot>> = Some(kernel::priv_field!(Netkit, peer));
    const MPROG: Option<PrivField<Self, Mprog>> = Some(kernel::priv_field!(Netkit, mprog));

    fn priv_init() -> impl PinInit<Self> {
        pin_init!(Netkit {
            peer: PeerSlot::new(),
            policy: Atomic::new(PASS),
            scrub: 0,
            mprog <- Mprog::new(),
            mode: 0,
            pair: 0,
            primary: false,
            headroom: Atomic::new(0),
        })
    }

    fn setup(dev: &mut SetupDevice<Self>) {
        let hw_vlan: Features =
            F::HwVlanCtagTx | F::HwVlanCtagRx | F::HwVlanStagTx | F::HwVlanStagRx;
        let features = hw_vlan
            | F::Sg
            | F::Fraglist
            | F::HwCsum
            | F::RxCsum
            | F::SctpCrc
            | F::HighDma
            | F::GsoSoftware
            | F::GsoEncapAll;

        dev.ether_setup();
        dev.set_max_mtu(dev::ETH_MAX_MTU);
        dev.add_flags(Flag::NoArp.into());
        dev.add_priv_flags(
            Pf::LiveAddrChange | Pf::PhonyHeadroom | Pf::NoQueue | Pf::DisableNetpoll,
        );
        dev.set_lltx();
        dev.set_netmem_tx_no_dma();
        dev.add_features(features);
        dev.set_hw_features(features);
        dev.set_hw_enc_features(features);
        dev.set_mpls_features(F::HwCsum | F::GsoSoftware);
        let vlan = dev.features().without(hw_vlan);
        dev.set_vlan_features(vlan);
        dev.set_tso_max_size(dev::GSO_MAX_SIZE);
    }

    fn open(dev: &NkDev, rtnl: &Rtnl) -> Result {
        if dev.data().is_single() {
            dev.carrier_on();
            return Ok(());
        }
        let peer = dev.peer_rtnl(rtnl).ok_or(ENOTCONN)?;
        if peer.is_up() {
            dev.carrier_on();
            peer.carrier_on();
        }
        Ok(())
    }

    fn stop(dev: &NkDev, rtnl: &Rtnl) -> Result {
        dev.carrier_off();
        if let Some(peer) = dev.peer_rtnl(rtnl) {
            peer.carrier_off();
        }
        Ok(())
    }

    #[inline(always)]
    fn start_xmit<'a>(skb: SkBuff<'a>, dev: &'a NkDev, ctx: &'a TxContext) -> TxStatus {
        ctx.with_bpf_net_context(|bctx| xmit(skb, dev, bctx))
    }

    fn get_iflink(dev: &NkDev, rcu: &RcuHeld) -> i32 {
        dev.peer(rcu).map_or(0, |p| p.ifindex())
    }

    #[inline(always)]
    fn get_peer_dev<'a>(dev: &'a NkDev, rcu: &'a RcuHeld) -> Option<&'a NkDev> {
        dev.peer(rcu)
    }

    fn get_stats64(dev: &NkDev, stats: &mut Stats64) {
        stats.fetch_sw_netstats(dev);
        stats.set_tx_dropped(dev.tx_dropped());
    }

    fn set_mac_address(dev: &NkDev, rtnl: &Rtnl, addr: &SockAddr) -> Result {
        if dev.data().mode != L2 {
            return Err(EOPNOTSUPP);
        }
        dev.eth_mac_addr(rtnl, addr)
    }

    fn set_rx_headroom(dev: &NkDev, rcu: &RcuHeld, headroom: i32) {
        let headroom = u32::try_from(headroom).unwrap_or_else(|_| dev::net_skb_pad());
        dev.data().headroom.store(headroom, Relaxed);
        match dev.peer(rcu) {
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

    fn xsk_pool_enable(dev: &NkDev, _rtnl: &Rtnl, _queue_id: u16) -> Result {
        // Only single devices forward AF_XDP to the queues they lease.
        if !dev.data().is_single() {
            return Err(EOPNOTSUPP);
        }
        Ok(())
    }

    fn xsk_wakeup(_dev: &NkDev, queue: &XskWakeup<'_>, flags: u32) -> Result {
        // The pool setup checked the physical device's AF_XDP support, and
        // a lease ends before that device can change.
        queue.wakeup_lease(flags)
    }

    fn queue_create<'a>(
        dev: &'a NkDev,
        queues: RxQueues<'a>,
        extack: &mut ExtAck,
    ) -> Result<NewRxQueue<'a>> {
        let nk = dev.data();
        // In paired mode only the peer (non-primary) device leases queues;
        // the primary is the management side. Single devices always may.
        if !nk.is_single() && nk.primary {
            extack.set_msg(c"netkit can only lease against the peer device");
            return Err(EOPNOTSUPP);
        }
        queues.add().inspect_err(|e| {
            if dev.real_num_rx_queues() + 1 > dev.num_rx_queues() {
                extack.set_msg(c"netkit maximum queue limit reached");
            } else {
                extack.set_msg_fmt(format_args!(
                    "netkit cannot create more queues err={}",
                    e.to_errno()
                ));
            }
        })
    }

    fn get_drvinfo(_dev: &NkDev, info: &mut DrvInfo) {
        info.set_driver(DRV_NAME);
    }
}

/// `netkit_xmit`.
#[inline(always)]
fn xmit<'a>(mut skb: SkBuff<'a>, dev: &'a NkDev, ctx: &'a BpfNetContext) -> TxStatus {
    let nk = dev.data();
    let mut ret = nk.policy.load(Relaxed);
    let len = skb.len();
    let peer = match dev.peer(ctx) {
        Some(p) if p.is_up() && skb.may_pull(ETH_HLEN) && skb.orphan_frags_atomic() => p,
        _ => return drop_skb(dev, skb, ctx),
    };
    prep_forward(&mut skb, !dev.same_net(peer), nk.scrub != 0);
    skb.eth_pkt_type(peer);
    skb.set_dev(peer);
    ret = nk.mprog.run(ctx, &mut skb, ret, NEXT);
    match ret {
        NEXT | PASS => {
            if !skb.pull_eth_header() {
                return drop_skb(dev, skb, ctx);
            }
            match skb.netif_rx(ctx) {
                RxResult::Success => {
                    dev.sw_netstats_tx_add(ctx, 1, len);
                    peer.sw_netstats_rx_add(ctx, len);
                    TxStatus::Success
                }
                RxResult::Dropped(freed) => {
                    dev.core_stats_tx_dropped_inc();
                    TxStatus::Drop(freed)
                }
            }
        }
        REDIRECT => {
            dev.sw_netstats_tx_add(ctx, 1, len);
            skb.do_redirect(ctx);
            TxStatus::Success
        }
        _ => drop_skb(dev, skb, ctx),
    }
}

#[inline(always)]
fn drop_skb(dev: &NkDev, skb: SkBuff<'_>, ctx: &TxContext) -> TxStatus {
    let freed = skb.drop_reason(ctx, DropReason::NotSpecified);
    dev.core_stats_tx_dropped_inc();
    TxStatus::Drop(freed)
}

/// Sets up one end of a new pair (or a single device) before registration.
fn init_dev<K>(d: &mut NewDevice<'_, Netkit, K>, cfg: &Config, primary: bool) {
    let (policy, scrub) = if primary {
        (cfg.policy_prim, cfg.scrub_prim)
    } else {
        (cfg.policy_peer, cfg.scrub_peer)
    };
    {
        let nk = d.data_mut().project();
        *nk.primary = primary;
        *nk.policy.get_mut() = policy as i32;
        *nk.scrub = scrub;
        *nk.mode = cfg.mode;
        *nk.pair = cfg.pair;
        *nk.headroom.get_mut() = u32::from(cfg.headroom);
    }
    if cfg.headroom != 0 {
        d.dev().set_needed_headroom(cfg.headroom);
    }
    if cfg.tailroom != 0 {
        d.dev().set_needed_tailroom(cfg.tailroom);
    }
}

/// The settings `newlink` parsed.
struct Config {
    mode: u32,
    pair: u32,
    scrub_prim: u32,
    scrub_peer: u32,
    policy_prim: u32,
    policy_peer: u32,
    headroom: u16,
    tailroom: u16,
}

/// The part of `newlink` before the primary device is registered: parses
/// the request, sets up `dev` and creates, registers and announces the
/// peer. Returns the mode and the peer.
fn prepare_link<'a>(
    rtnl: &'a Rtnl,
    dev: &mut NewDevice<'a, Netkit>,
    params: &NewLinkParams<'a, Netkit>,
    extack: &mut ExtAck,
) -> Result<(u32, Option<Registered<'a, Netkit, Peer>>)> {
    let tb = params.tb();
    let data = params.data();
    let mut cfg = Config {
        mode: L3,
        pair: PAIR,
        scrub_prim: SCRUB_DEFAULT,
        scrub_peer: SCRUB_DEFAULT,
        policy_prim: PASS as u32,
        policy_peer: PASS as u32,
        headroom: 0,
        tailroom: 0,
    };
    let mut peer_info = None;

    if let Some(a) = data.get(A_MODE) {
        cfg.mode = a.get_u32()?;
    }
    if let Some(a) = data.get(A_PEER_INFO) {
        peer_info = Some(PeerAttrs::parse(a, extack)?);
    }
    if let Some(a) = data.get(A_SCRUB) {
        cfg.scrub_prim = a.get_u32()?;
    }
    if let Some(a) = data.get(A_PEER_SCRUB) {
        cfg.scrub_peer = a.get_u32()?;
    }
    if let Some(a) = data.get(A_POLICY) {
        cfg.policy_prim = a.get_u32()?;
        check_policy(cfg.policy_prim, a, extack)?;
    }
    if let Some(a) = data.get(A_PEER_POLICY) {
        cfg.policy_peer = a.get_u32()?;
        check_policy(cfg.policy_peer, a, extack)?;
    }
    if let Some(a) = data.get(A_HEADROOM) {
        cfg.headroom = a.get_u16()?;
    }
    if let Some(a) = data.get(A_TAILROOM) {
        cfg.tailroom = a.get_u16()?;
    }
    if let Some(a) = data.get(A_PAIRING) {
        cfg.pair = a.get_u32()?;
    }
    let seen_scrub = data.get(A_SCRUB).is_some();
    let seen_peer = data.get(A_PEER_INFO).is_some()
        || data.get(A_PEER_SCRUB).is_some()
        || data.get(A_PEER_POLICY).is_some();

    let tbp = peer_info.as_ref().map_or(tb, PeerAttrs::attrs);
    let (ifname, assign) = match tbp.get(ifla::IFNAME).filter(|_| peer_info.is_some()) {
        Some(a) => (IfName::from_attr(a), NameAssign::User),
        None => (IfName::new(c"nk%d"), NameAssign::Enum),
    };
    if cfg.mode != L2 && (tb.get(ifla::ADDRESS).is_some() || tbp.get(ifla::ADDRESS).is_some()) {
        return Err(EOPNOTSUPP);
    }
    if cfg.pair == SINGLE
        && (peer_info.is_some() || seen_peer || seen_scrub || cfg.policy_prim != PASS as u32)
    {
        return Err(EOPNOTSUPP);
    }

    let mut peer = None;
    if cfg.pair == PAIR {
        let mut p = params.create_peer(rtnl, &ifname, assign, tbp, extack)?;
        p.inherit_tso_max(dev.dev());
        if cfg.mode == L2 && !(peer_info.is_some() && tbp.get(ifla::ADDRESS).is_some()) {
            p.eth_hw_addr_random();
        }
        if let Some(pi) = peer_info.as_ref() {
            if dev.dev().ifindex() != 0 {
                p.set_ifindex(pi.ifi_index());
            }
        }
        init_dev(&mut p, &cfg, false);
        let p = p.register(rtnl)?;
        p.carrier_off();
        if cfg.mode == L2 {
            // As in C, a failure here leaves the device as it is.
            let _ = p.change_flags(rtnl, p.flags().without(Flag::NoArp));
        }
        // On failure the adapter unregisters the peer.
        p.configure(rtnl)?;
        peer = Some(p);
    }

    if cfg.mode == L2 && tb.get(ifla::ADDRESS).is_none() {
        dev.eth_hw_addr_random();
    }
    match tb.get(ifla::IFNAME) {
        Some(a) => dev.set_name(&IfName::from_attr(a)),
        None => dev.set_name(&IfName::new(c"nk%d")),
    }
    init_dev(dev, &cfg, true);
    if cfg.pair == SINGLE {
        dev.set_xdp_features_xsk();
    }
    Ok((cfg.mode, peer))
}

#[vtable]
impl LinkOps for Netkit {
    const KIND: &'static CStr = DRV_NAME;
    const PEER_TYPE: u16 = A_PEER_INFO as u16;
    const POLICY: &'static PolicyTable = NETKIT_POLICY.table();

    fn alloc_queues(num_tx: u32, num_rx: u32) -> Result<(u32, u32)> {
        if num_tx > NUM_TX_QUEUES_MAX || num_rx > NUM_RX_QUEUES_MAX {
            return Err(EOPNOTSUPP);
        }
        Ok((NUM_TX_QUEUES_REAL, NUM_RX_QUEUES_REAL))
    }

    fn validate(tb: LinkAttrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        tb.check_eth_address()
    }

    fn newlink<'a>(
        rtnl: &'a Rtnl,
        mut dev: NewDevice<'a, Self>,
        params: &NewLinkParams<'a, Self>,
        extack: &mut ExtAck,
    ) -> NewLinkDone<'a, Self> {
        let (mode, peer) = match prepare_link(rtnl, &mut dev, params, extack) {
            Ok(r) => r,
            Err(e) => return dev.fail(e),
        };
        dev.register(rtnl, |d| {
            d.carrier_off();
            if mode == L2 {
                // As in C, a failure here leaves the device as it is.
                let _ = d.change_flags(rtnl, d.flags().without(Flag::NoArp));
            }
            if let Some(p) = peer {
                d.pair(rtnl, p);
            }
        })
    }

    fn changelink(
        rtnl: &Rtnl,
        dev: &NkDev,
        _tb: LinkAttrs<'_>,
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
        if !nk.primary {
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
            let policy = a.get_u32()?;
            if nk.is_single() {
                return Err(EOPNOTSUPP);
            }
            check_policy(policy, a, extack)?;
            nk.policy.store(policy as i32, Relaxed);
        }
        if let Some(a) = data.get(A_PEER_POLICY) {
            let policy = a.get_u32()?;
            let peer = dev.peer_rtnl(rtnl).ok_or(EOPNOTSUPP)?;
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
        msg.put_u8(A_PRIMARY, u8::from(nk.primary))?;
        msg.put_u32(A_POLICY, nk.policy.load(Relaxed) as u32)?;
        msg.put_u32(A_MODE, nk.mode)?;
        if !nk.is_single() {
            msg.put_u32(A_SCRUB, nk.scrub)?;
        }
        msg.put_u16(A_HEADROOM, dev.needed_headroom())?;
        msg.put_u16(A_TAILROOM, dev.needed_tailroom())?;
        msg.put_u32(A_PAIRING, nk.pair)?;
        if let Some(peer) = dev.peer_rtnl(rtnl) {
            let pk = peer.data();
            msg.put_u32(A_PEER_POLICY, pk.policy.load(Relaxed) as u32)?;
            msg.put_u32(A_PEER_SCRUB, pk.scrub)?;
        }
        Ok(())
    }

    fn get_link_net<'a>(rtnl: &'a RtnlAtomic, dev: &'a NkDev) -> &'a Net {
        dev.peer_rtnl(rtnl).map_or(dev.net(rtnl), |p| p.net(rtnl))
    }
}

impl MprogDriver for Netkit {
    const LINK_TYPE: LinkType = LinkType::new(uapi::bpf_link_type_BPF_LINK_TYPE_NETKIT);

    fn target<'a>(
        rtnl: &'a Rtnl,
        net: &Net,
        ifindex: u32,
        attach_type: AttachType,
        _which: Which,
    ) -> Result<&'a NkDev> {
        let peer_side = match attach_type {
            ATTACH_PRIMARY => false,
            ATTACH_PEER => true,
            _ => return Err(EINVAL),
        };
        let dev = dev::get_by_index(rtnl, net, ifindex).ok_or(ENODEV)?;
        let dev = dev.downcast::<Netkit>().ok_or(ENXIO)?;
        let nk = dev.data();
        if !nk.primary {
            return Err(EACCES);
        }
        if nk.is_single() {
            return Err(EOPNOTSUPP);
        }
        if !peer_side {
            return Ok(dev);
        }
        dev.peer_rtnl(rtnl).ok_or(ENODEV)
    }

    fn link_show_fdinfo(seq: &SeqFile, ifindex: u32, attach_type: AttachType) {
        let side = if attach_type == ATTACH_PRIMARY {
            "primary"
        } else {
            "peer"
        };
        seq_print!(seq, "ifindex:\t{}\n", ifindex);
        seq_print!(seq, "attach_type:\t{} ({})\n", attach_type.as_u32(), side);
    }
}

impl Notifier for Netkit {
    /// Deletes the netkits that lease queues of a physical device that goes
    /// away, in one batch: a physical device may lease several queues to one
    /// netkit and queues to several netkits.
    fn event(rtnl: &mut Rtnl, event: Event, dev: &Device) {
        if event == Event::UNREGISTER && dev.has_parent() {
            rtnl::dellink_leasees::<Netkit>(rtnl, dev);
        }
    }
}

kernel::module_net_driver! {
    type: Netkit,
    export_peer_dev: netkit_peer_dev,
    notifier: Netkit,
    // netkit.c's names, for tracing.
    symbols: {
        init: netkit_init, uninit: netkit_uninit, open: netkit_open, stop: netkit_close,
        start_xmit: netkit_xmit, set_rx_mode_async: netkit_set_multicast,
        set_rx_headroom: netkit_set_headroom, set_mac_address: netkit_set_macaddr,
        get_iflink: netkit_get_iflink, get_stats64: netkit_get_stats, bpf: netkit_xsk,
        xsk_wakeup: netkit_xsk_wakeup, get_drvinfo: netkit_get_drvinfo,
        queue_create: netkit_queue_create, alloc: netkit_alloc, setup: netkit_setup,
        newlink: netkit_new_link, dellink: netkit_del_link, changelink: netkit_change_link,
        get_link_net: netkit_get_link_net, get_size: netkit_get_size,
        fill_info: netkit_fill_info, validate: netkit_validate,
    },
    name: "netkit",
    authors: [
        "Daniel Borkmann <daniel@iogearbox.net>",
        "Nikolay Aleksandrov <razor@blackwall.org>",
    ],
    description: "BPF-programmable network device",
    license: "GPL",
    alias: ["rtnl-link-netkit"],
}
