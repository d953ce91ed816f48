// SPDX-License-Identifier: GPL-2.0

//! The proof that an skb was freed belongs to its transmit call: kept for
//! a later call (here in the private data), it would let that call report
//! a handed-on skb dropped.

// expect: E0277
// expect-msg: cannot be sent between threads safely

use kernel::{
    net::{
        dev::{Driver, DriverDevice, SetupDevice, TxStatus},
        rtnl::LinkOps,
        skbuff::{DropReason, Freed, RxResult, SkBuff, TxContext},
    },
    new_spinlock,
    prelude::*,
    sync::SpinLock,
};

/// The driver.
pub struct D;

/// Where one call leaves the proof for the next.
#[pin_data]
pub struct Saved {
    #[pin]
    freed: SpinLock<Option<Freed>>,
}

#[vtable]
impl Driver for D {
    type Priv = Saved;

    fn priv_init() -> impl PinInit<Saved> {
        pin_init!(Saved {
            freed <- new_spinlock!(None),
        })
    }

    fn setup(_dev: &mut SetupDevice<Self>) {}

    /// Frees one skb and keeps the proof; hands the next one on and
    /// reports it dropped with the kept proof.
    fn start_xmit<'a>(
        skb: SkBuff<'a>,
        dev: &'a DriverDevice<Self>,
        ctx: &'a TxContext,
    ) -> TxStatus {
        let mut s = dev.data().freed.lock();
        if let Some(freed) = s.take() {
            if let RxResult::Success = skb.netif_rx(ctx) {
                return TxStatus::Drop(freed);
            }
            return TxStatus::Success;
        }
        *s = Some(skb.drop_reason(ctx, DropReason::NotSpecified));
        TxStatus::Success
    }
}

#[vtable]
impl LinkOps for D {
    const KIND: &'static CStr = c"nk_cf";
}

kernel::module_net_driver! {
    type: D,
    name: "nk_compile_fail",
    authors: ["netkit-rs"],
    description: "A compile-fail case",
    license: "GPL",
}
