// SPDX-License-Identifier: GPL-2.0

//! Socket buffers on the transmit path.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h).

use crate::{bindings, net::dev::Device};
use core::ptr::NonNull;

/// Why an skb is dropped (`enum skb_drop_reason`).
#[derive(Clone, Copy)]
#[repr(u32)]
pub enum DropReason {
    /// `SKB_DROP_REASON_NOT_SPECIFIED`.
    NotSpecified = bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
}

/// An owned `struct sk_buff`.
///
/// An `SkBuff` is never freed implicitly: it must be handed on (to the stack,
/// a redirect) or freed with [`SkBuff::drop_reason`]. Dropping one without
/// either leaks it, so `Drop` is not implemented and `#[must_use]` warns.
///
/// # Invariants
///
/// `self.0` points to a valid skb that this object owns.
#[must_use = "an skb must be handed on or freed with drop_reason()"]
pub struct SkBuff(NonNull<bindings::sk_buff>);

// SAFETY: An owned skb may be handed to any context.
unsafe impl Send for SkBuff {}

/// Ethernet header length (`ETH_HLEN`).
pub const ETH_HLEN: u32 = bindings::ETH_HLEN;

/// The result of handing an skb to the receive path.
pub enum RxResult {
    /// `NET_RX_SUCCESS`.
    Success,
    /// The stack dropped it (and freed it).
    Dropped,
}

impl SkBuff {
    /// Takes ownership of a raw skb.
    ///
    /// # Safety
    ///
    /// `skb` must be valid, non-null and owned by the caller, who hands the
    /// ownership over.
    #[inline(always)]
    pub unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Self {
        // SAFETY: The caller guarantees `skb` is non-null.
        Self(unsafe { NonNull::new_unchecked(skb) })
    }

    #[inline(always)]
    fn raw(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Returns `skb->len`.
    #[inline(always)]
    pub fn len(&self) -> u32 {
        // SAFETY: The skb is valid and owned.
        unsafe { (*self.raw()).len }
    }

    /// Whether `skb->len` is 0.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Frees the skb, recording `reason` (`kfree_skb_reason`).
    #[inline(always)]
    pub fn drop_reason(self, reason: DropReason) {
        // SAFETY: The skb is valid and owned; ownership ends here.
        unsafe { bindings::kfree_skb_reason(self.raw(), reason as bindings::skb_drop_reason) }
    }

    /// Ensures `len` bytes are in the linear part (`pskb_may_pull`).
    #[inline(always)]
    pub fn may_pull(&mut self, len: u32) -> bool {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::pskb_may_pull(self.raw(), len) }
    }

    /// Copies user-space fragments so the skb can cross namespaces
    /// (`skb_orphan_frags(skb, GFP_ATOMIC)`); `false` on failure.
    #[inline(always)]
    pub fn orphan_frags_atomic(&mut self) -> bool {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::skb_orphan_frags(self.raw(), bindings::GFP_ATOMIC) == 0 }
    }

    /// Clears the state that must not cross a device pair: `skb_scrub_packet`
    /// (not cross-netns), `nf_skip_egress`, a reset mac header; if `xnet`,
    /// also the timestamp, and with `xnet_scrub` priority and mark.
    #[inline(always)]
    pub fn prep_forward(&mut self, xnet: bool, xnet_scrub: bool) {
        let skb = self.raw();
        // SAFETY: The skb is valid and owned.
        unsafe {
            bindings::skb_scrub_packet(skb, false);
            bindings::nf_skip_egress(skb, true);
            bindings::skb_reset_mac_header(skb);
            if !xnet {
                return;
            }
            bindings::skb_clear_tstamp(skb);
            if xnet_scrub {
                let hdr = &mut (*skb).__bindgen_anon_4;
                hdr.__bindgen_anon_1.as_mut().priority = 0;
                hdr.__bindgen_anon_1.as_mut().__bindgen_anon_4.mark = 0;
            }
        }
    }

    /// Sets `pkt_type` as seen by `dev` from the destination MAC
    /// (`eth_skb_pkt_type`).
    #[inline(always)]
    pub fn eth_pkt_type(&mut self, dev: &Device) {
        // SAFETY: The skb is valid and owned, with at least `ETH_HLEN` linear
        // bytes (callers pull them first); `dev` is valid.
        unsafe { bindings::eth_skb_pkt_type(self.raw(), dev.as_raw()) }
    }

    /// Sets `skb->dev`.
    ///
    /// The skb must not outlive `dev` in the caller's hands; it is handed on
    /// within the RCU section that keeps `dev` alive.
    #[inline(always)]
    pub fn set_dev(&mut self, dev: &Device) {
        // SAFETY: The skb is valid and owned.
        unsafe {
            (*self.raw())
                .__bindgen_anon_1
                .__bindgen_anon_1
                .__bindgen_anon_1
                .dev = dev.as_raw()
        };
    }

    /// Pulls the Ethernet header and updates the checksum
    /// (`eth_skb_pull_mac` + `skb_postpull_rcsum`).
    #[inline(always)]
    pub fn pull_eth_header(&mut self) {
        // SAFETY: The skb is valid, owned and has `ETH_HLEN` linear bytes.
        unsafe {
            let eth = bindings::eth_skb_pull_mac(self.raw());
            bindings::skb_postpull_rcsum(self.raw(), eth.cast(), ETH_HLEN);
        }
    }

    /// Recomputes `data`/`data_end` for a BPF program (`bpf_compute_data_pointers`).
    #[inline(always)]
    pub fn bpf_compute_data_pointers(&mut self) {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::bpf_compute_data_pointers(self.raw()) }
    }

    /// Returns the raw skb for a program run.
    #[inline(always)]
    pub(crate) fn as_raw(&self) -> *mut bindings::sk_buff {
        self.raw()
    }

    /// Hands the skb to the receive path of `skb->dev` (`__netif_rx`).
    #[inline(always)]
    pub fn netif_rx(self) -> RxResult {
        // SAFETY: The skb is valid and owned; `__netif_rx` takes ownership
        // and runs with BH disabled, as in `ndo_start_xmit`.
        if unsafe { bindings::__netif_rx(self.raw()) } == bindings::NET_RX_SUCCESS as i32 {
            RxResult::Success
        } else {
            RxResult::Dropped
        }
    }

    /// Performs the redirect a BPF program asked for (`skb_do_redirect`).
    #[inline(always)]
    pub fn do_redirect(self) {
        // SAFETY: The skb is valid and owned; `skb_do_redirect` consumes it.
        // The caller runs with a `bpf_net_context` set (see `bpf::NetContext`).
        unsafe { bindings::skb_do_redirect(self.raw()) };
    }
}
