// SPDX-License-Identifier: GPL-2.0

//! dummy: a network device that discards all packets sent to it.
//!
//! The Rust counterpart of `drivers/net/dummy.c`: a device to point a route
//! through without transmitting anything. It counts what it is sent.

use kernel::{
    net::{
        dev::{
            Driver, DriverDevice, Feature as F, Flag, PcpuStats, PrivFlag as Pf, SetupDevice,
            SockAddr, Stats64, TxStatus,
        },
        rtnl::{Attrs, ExtAck, IfName, LinkAttrs, LinkOps, NameAssign, Registration, Rtnl},
        skbuff::{SharedSkBuff, TxContext},
    },
    prelude::*,
};

const DRV_NAME: &CStr = c"dummy";

struct Dummy;

#[vtable]
impl Driver for Dummy {
    type Priv = ();

    const PCPU_STATS: PcpuStats = PcpuStats::Lstats;
    const ETH_VALIDATE_ADDR: bool = true;
    const ETHTOOL_OP_GET_TS_INFO: bool = true;

    fn priv_init() -> impl PinInit<()> {}

    fn setup(dev: &mut SetupDevice<Self>) {
        let features = F::Sg | F::Fraglist | F::GsoSoftware | F::HwCsum | F::HighDma;

        dev.ether_setup();
        dev.set_request_ops_lock();
        dev.add_flags(Flag::NoArp.into());
        dev.remove_flags(Flag::Multicast.into());
        dev.add_priv_flags(Pf::LiveAddrChange | Pf::NoQueue);
        dev.set_lltx();
        dev.add_features(features | F::GsoEncapAll);
        let features = dev.features();
        dev.add_hw_features(features);
        dev.add_hw_enc_features(features);
        dev.eth_hw_addr_random();
        dev.set_min_mtu(0);
        dev.set_max_mtu(0);
    }

    #[inline(always)]
    fn start_xmit_shared<'a>(
        skb: SharedSkBuff<'a>,
        dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        dev.lstats_add(ctx, skb.len());
        skb.tx_timestamp(ctx);
        skb.consume(ctx);
        TxStatus::Success
    }

    fn get_stats64(dev: &DriverDevice<Self>, stats: &mut Stats64) {
        stats.lstats_read(dev);
    }

    fn set_mac_address(dev: &DriverDevice<Self>, rtnl: &Rtnl, addr: &SockAddr) -> Result {
        dev.eth_mac_addr(rtnl, addr)
    }

    fn set_rx_mode_async(_dev: &DriverDevice<Self>) -> Result {
        // Fake multicast ability.
        Ok(())
    }

    fn change_carrier(dev: &DriverDevice<Self>, _rtnl: &Rtnl, carrier: bool) -> Result {
        if carrier {
            dev.carrier_on();
        } else {
            dev.carrier_off();
        }
        Ok(())
    }
}

#[vtable]
impl LinkOps for Dummy {
    const KIND: &'static CStr = DRV_NAME;

    fn validate(tb: LinkAttrs<'_>, _data: Attrs<'_>, _extack: &mut ExtAck) -> Result {
        tb.check_eth_address()
    }

    fn module_init(link: &Registration<Self>) -> Result {
        for _ in 0..module_parameters::numdummies.value() {
            link.add_device(&IfName::new(c"dummy%d"), NameAssign::Enum)?;
        }
        Ok(())
    }
}

kernel::module_net_driver! {
    type: Dummy,
    // dummy.c's names, for tracing (not its set_multicast_list: no kind prefix).
    symbols: {
        init: dummy_dev_init, start_xmit: dummy_xmit, get_stats64: dummy_get_stats64,
        change_carrier: dummy_change_carrier, setup: dummy_setup, validate: dummy_validate,
    },
    name: "dummy",
    description: "Dummy netdevice driver which discards all packets sent to it",
    license: "GPL",
    alias: ["rtnl-link-dummy"],
    params: {
        numdummies: i32 {
            default: 1,
            description: "Number of dummy pseudo devices",
        },
    },
}
