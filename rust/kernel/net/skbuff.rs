// SPDX-License-Identifier: GPL-2.0

//! Socket buffers on the transmit path.
//!
//! C header: [`include/linux/skbuff.h`](srctree/include/linux/skbuff.h).
//!
//! An [`SkBuff`] is what `ndo_start_xmit` receives: owned, branded with the
//! lifetime of the call, so it can neither be kept after the call nor carry
//! a device pointer past the RCU section that keeps that device alive. The
//! call's context is a [`TxContext`] (BH disabled, hence an RCU read side);
//! redirects need a [`BpfNetContext`] on top of it.
//!
//! # Examples
//!
//! Checked accessors never read past the linear data:
//!
//! ```
//! use kernel::net::skbuff::ETH_HLEN;
//!
//! assert_eq!(ETH_HLEN, 14);
//! ```

use crate::{
    bindings,
    net::dev::{
        Device,
        RcuRead,
        Sealed, //
    },
    sync::rcu,
    types::NotThreadSafe, //
};
use core::{
    marker::PhantomData,
    mem::ManuallyDrop,
    ptr::NonNull, //
};

/// Why an skb is dropped (`enum skb_drop_reason`).
#[derive(Clone, Copy)]
#[repr(u32)]
pub enum DropReason {
    /// `SKB_DROP_REASON_NOT_SPECIFIED`.
    NotSpecified = bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
}

/// Proof that the current context is `ndo_start_xmit`'s: bottom halves
/// disabled, which makes it an RCU read-side critical section.
///
/// Only the core's transmit adapter makes one, and only lends it out.
pub struct TxContext(NotThreadSafe);

impl Sealed for TxContext {}
impl RcuRead for TxContext {}

impl TxContext {
    /// # Safety
    ///
    /// Bottom halves must be disabled for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn assume<'a>() -> &'a TxContext {
        // SAFETY: Checks the caller's promise where lockdep can (nothing
        // without it).
        unsafe { bindings::lockdep_assert_in_softirq() };
        static TOKEN: Token = Token(TxContext(NotThreadSafe));
        &TOKEN.0
    }

    /// Runs `f` with a `bpf_net_context` installed on the current task and
    /// the RCU read lock held, as BPF programs and redirects need
    /// (`bpf_net_ctx_set` + `rcu_read_lock`, as C drivers that run
    /// programs on transmit take them). Nested calls reuse the outer
    /// context.
    #[inline(always)]
    pub fn with_bpf_net_context<R>(&self, f: impl FnOnce(&BpfNetContext) -> R) -> R {
        let mut ctx = core::mem::MaybeUninit::<bindings::bpf_net_context>::uninit();
        // SAFETY: `ctx` lives on this stack frame until after
        // `bpf_net_ctx_clear`, and `bpf_net_ctx_set` initialises the part it
        // uses; the task is ours (BH disabled, no migration).
        let set = unsafe { bindings::bpf_net_ctx_set(ctx.as_mut_ptr()) };
        // Helpers the programs call check `rcu_read_lock_held()` (lockdep),
        // which disabled BH alone does not satisfy.
        let rcu = rcu::read_lock();
        let r = f(&BpfNetContext(TxContext(NotThreadSafe)));
        drop(rcu);
        // SAFETY: `set` is what `bpf_net_ctx_set` returned (NULL if nested).
        unsafe { bindings::bpf_net_ctx_clear(set) };
        r
    }
}

struct Token(TxContext);
// SAFETY: The token carries no data; only `TxContext::assume`'s contract
// gives a reference meaning.
unsafe impl Sync for Token {}

/// A [`TxContext`] with a `bpf_net_context` set on the current task and
/// `rcu_read_lock` held, which BPF programs and `skb_do_redirect` need.
pub struct BpfNetContext(TxContext);

impl core::ops::Deref for BpfNetContext {
    type Target = TxContext;

    #[inline(always)]
    fn deref(&self) -> &TxContext {
        &self.0
    }
}

impl Sealed for BpfNetContext {}
impl RcuRead for BpfNetContext {}

/// An owned `struct sk_buff` handed to `ndo_start_xmit`, for the duration
/// `'a` of the call.
///
/// It is handed on (to the stack, a redirect) or freed with a reason by
/// [`SkBuff::drop_reason`]; dropping it otherwise frees it with
/// `SKB_DROP_REASON_NOT_SPECIFIED`, so `?` does not leak.
///
/// # Invariants
///
/// `self.skb` points to a valid skb of which this object owns a reference,
/// and that no one else uses until the transmit returns: the device does
/// not take shared skbs (the adapter clears `IFF_TX_SKB_SHARING`), and a
/// caller that keeps a reference (pktgen) only uses the skb again after the
/// call. Its `dev`, if set through [`SkBuff::set_dev`], outlives `'a`.
pub struct SkBuff<'a> {
    // Non-null, so that inlined C helpers drop their NULL checks
    // (`skb_zcopy()`).
    skb: NonNull<bindings::sk_buff>,
    _p: PhantomData<(&'a Device, NotThreadSafe)>,
}

/// Ethernet header length (`ETH_HLEN`).
pub const ETH_HLEN: u32 = bindings::ETH_HLEN;

/// The result of handing an skb to the receive path.
pub enum RxResult {
    /// `NET_RX_SUCCESS`.
    Success,
    /// The stack dropped it (and freed it).
    Dropped(Freed),
}

/// Proof that the skb of a transmit call was freed, by the driver
/// ([`SkBuff::drop_reason`]) or by the stack it was handed to
/// ([`RxResult::Dropped`]): what
/// [`TxStatus::Drop`](crate::net::dev::TxStatus::Drop) needs.
///
/// It cannot be kept for another call: it is neither `Send` nor `Sync`, so
/// no static, private data or other thread can hold it, and a call has one
/// skb to free.
///
/// # Invariants
///
/// Made only when the skb of the current transmit call was freed.
pub struct Freed(NotThreadSafe);

impl Freed {
    fn new() -> Self {
        // INVARIANT: Called where the call's skb was freed.
        Freed(NotThreadSafe)
    }
}

impl<'a> SkBuff<'a> {
    /// Takes ownership of a raw skb.
    ///
    /// # Safety
    ///
    /// `skb` must be valid, non-null, not shared, and owned by the caller,
    /// who hands the ownership over for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Self {
        // INVARIANT: Valid, not shared and handed over, per the caller; no `dev` set yet.
        Self {
            // SAFETY: The caller guarantees `skb` is non-null.
            skb: unsafe { NonNull::new_unchecked(skb) },
            _p: PhantomData,
        }
    }

    #[inline(always)]
    fn raw(&self) -> *mut bindings::sk_buff {
        self.skb.as_ptr()
    }

    /// Gives up ownership without freeing.
    #[inline(always)]
    fn into_raw(self) -> *mut bindings::sk_buff {
        ManuallyDrop::new(self).raw()
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

    /// Bytes in the linear part (`skb_headlen`).
    #[inline(always)]
    fn headlen(&self) -> u32 {
        // SAFETY: The skb is valid and owned.
        let (len, data_len) = unsafe { ((*self.raw()).len, (*self.raw()).data_len) };
        // A valid skb's paged part is part of its length: no wrap.
        len.wrapping_sub(data_len)
    }

    /// Frees the skb, recording `reason` (`kfree_skb_reason`).
    #[inline(always)]
    pub fn drop_reason(self, _ctx: &TxContext, reason: DropReason) -> Freed {
        // SAFETY: The skb is valid and owned; ownership ends here. BH is
        // disabled (`_ctx`), a context `kfree_skb_reason` allows.
        unsafe { bindings::kfree_skb_reason(self.into_raw(), reason as bindings::skb_drop_reason) };
        Freed::new()
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
        // SAFETY: The skb is valid and owned; GFP_ATOMIC does not sleep.
        unsafe { bindings::skb_orphan_frags(self.raw(), bindings::GFP_ATOMIC) == 0 }
    }

    /// Clears the state a packet must not carry into another device, and
    /// with `xnet` also what must not cross namespaces
    /// (`skb_scrub_packet`).
    #[inline(always)]
    pub fn scrub_packet(&mut self, xnet: bool) {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::skb_scrub_packet(self.raw(), xnet) }
    }

    /// Skips (or not) the egress netfilter hook (`nf_skip_egress`).
    #[inline(always)]
    pub fn nf_skip_egress(&mut self, skip: bool) {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::nf_skip_egress(self.raw(), skip) }
    }

    /// Resets the MAC header to the data (`skb_reset_mac_header`).
    #[inline(always)]
    pub fn reset_mac_header(&mut self) {
        // SAFETY: The skb is valid and owned; the data pointer is inside
        // its buffer.
        unsafe { bindings::skb_reset_mac_header(self.raw()) }
    }

    /// Clears the timestamp (`skb_clear_tstamp`).
    #[inline(always)]
    pub fn clear_tstamp(&mut self) {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::skb_clear_tstamp(self.raw()) }
    }

    /// Clears `skb->priority` and `skb->mark`.
    #[inline(always)]
    pub fn clear_priority_mark(&mut self) {
        // SAFETY: The skb is valid and owned; both are plain fields.
        unsafe {
            let hdr = &mut (*self.raw()).__bindgen_anon_4;
            hdr.__bindgen_anon_1.as_mut().priority = 0;
            hdr.__bindgen_anon_1.as_mut().__bindgen_anon_4.mark = 0;
        }
    }

    /// Sets `pkt_type` as seen by `dev` from the Ethernet header at the
    /// data (`skb_reset_mac_header` + `eth_skb_pkt_type`); `false`, and
    /// nothing changed, if the linear part is shorter than `ETH_HLEN`.
    #[inline(always)]
    pub fn eth_pkt_type(&mut self, dev: &Device) -> bool {
        if self.headlen() < ETH_HLEN {
            return false;
        }
        // SAFETY: The skb is valid and owned; after the reset its MAC header
        // is at the data, followed by at least `ETH_HLEN` linear bytes.
        unsafe {
            bindings::skb_reset_mac_header(self.raw());
            bindings::eth_skb_pkt_type(self.raw(), dev.as_raw());
        }
        true
    }

    /// Sets `skb->dev`; `dev` outlives the skb's use in this call.
    #[inline(always)]
    pub fn set_dev(&mut self, dev: &'a Device) {
        // SAFETY: The skb is valid and owned; `dev` lives for `'a`, longer
        // than the skb can be held (type invariant).
        unsafe {
            (*self.raw())
                .__bindgen_anon_1
                .__bindgen_anon_1
                .__bindgen_anon_1
                .dev = dev.as_raw()
        };
    }

    /// Pulls the Ethernet header and updates the checksum
    /// (`eth_skb_pull_mac` + `skb_postpull_rcsum`); `false`, and nothing
    /// changed, if the linear part is shorter than `ETH_HLEN`.
    #[inline(always)]
    pub fn pull_eth_header(&mut self) -> bool {
        if self.headlen() < ETH_HLEN {
            return false;
        }
        // SAFETY: The skb is valid and owned and has `ETH_HLEN` linear bytes,
        // the ones pulled and then summed from their old start.
        unsafe {
            let eth = bindings::eth_skb_pull_mac(self.raw());
            bindings::skb_postpull_rcsum(self.raw(), eth.cast(), ETH_HLEN);
        }
        true
    }

    /// Recomputes `data`/`data_end` for a BPF program (`bpf_compute_data_pointers`).
    #[cfg(CONFIG_BPF_SYSCALL)]
    #[inline(always)]
    pub(crate) fn bpf_compute_data_pointers(&mut self) {
        // SAFETY: The skb is valid and owned.
        unsafe { bindings::bpf_compute_data_pointers(self.raw()) }
    }

    /// Returns the raw skb for a program run.
    #[cfg(CONFIG_BPF_SYSCALL)]
    #[inline(always)]
    pub(crate) fn as_raw(&self) -> *mut bindings::sk_buff {
        self.raw()
    }

    /// Hands the skb to the receive path of `skb->dev` (`__netif_rx`).
    ///
    /// Without [`SkBuff::set_dev`] that is the device it came from.
    #[inline(always)]
    pub fn netif_rx(self, _ctx: &TxContext) -> RxResult {
        // SAFETY: The skb is valid and owned and `__netif_rx` takes it;
        // `skb->dev` is valid (type invariant); BH is disabled (`_ctx`), as
        // `__netif_rx` requires.
        if unsafe { bindings::__netif_rx(self.into_raw()) } == bindings::NET_RX_SUCCESS as i32 {
            RxResult::Success
        } else {
            RxResult::Dropped(Freed::new())
        }
    }

    /// Performs the redirect a BPF program asked for (`skb_do_redirect`).
    #[inline(always)]
    pub fn do_redirect(self, _ctx: &BpfNetContext) {
        // SAFETY: The skb is valid and owned; `skb_do_redirect` consumes it
        // and reads the redirect target from the `bpf_net_context` that
        // `_ctx` proves installed, under RCU (BH disabled).
        unsafe { bindings::skb_do_redirect(self.into_raw()) };
    }
}

/// An skb handed to `ndo_start_xmit` of a device that takes shared skbs
/// (see [`Driver::start_xmit_shared`](crate::net::dev::Driver::start_xmit_shared)),
/// for the duration `'a` of the call: one reference to it, which the driver
/// releases. Others may hold references too (pktgen sends one skb many
/// times), so it is only read. Dropping it frees the reference as
/// [`SkBuff`]'s drop does.
///
/// # Invariants
///
/// `self.skb` points to a valid skb of which this object owns one
/// reference.
pub struct SharedSkBuff<'a> {
    skb: *mut bindings::sk_buff,
    _p: PhantomData<(&'a (), NotThreadSafe)>,
}

impl SharedSkBuff<'_> {
    /// Takes over one reference to a raw skb.
    ///
    /// # Safety
    ///
    /// `skb` must be valid and non-null, and the caller hands over one
    /// reference to it for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Self {
        // INVARIANT: Valid, one reference handed over, per the caller.
        Self {
            skb,
            _p: PhantomData,
        }
    }

    /// Returns `skb->len`.
    #[inline(always)]
    pub fn len(&self) -> u32 {
        // SAFETY: The skb is valid; no one changes a shared skb's length.
        unsafe { (*self.skb).len }
    }

    /// Whether `skb->len` is 0.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reports the software transmit timestamp a socket asked for
    /// (`skb_tx_timestamp`); it queues a clone, the skb is not changed.
    #[inline(always)]
    pub fn tx_timestamp(&self, _ctx: &TxContext) {
        // SAFETY: The skb is valid; BH is disabled (`_ctx`), as the
        // transmit path that calls the function has it.
        unsafe { bindings::skb_tx_timestamp(self.skb) }
    }

    /// Releases the reference as a packet sent (`dev_kfree_skb`, i.e.
    /// `consume_skb`).
    #[inline(always)]
    pub fn consume(self, _ctx: &TxContext) {
        let skb = ManuallyDrop::new(self).skb;
        // SAFETY: The reference is ours and ends here; BH is disabled
        // (`_ctx`), a context `consume_skb` allows.
        unsafe { bindings::consume_skb(skb) }
    }
}

impl Drop for SharedSkBuff<'_> {
    /// Releases the reference (`dev_kfree_skb_any_reason`).
    fn drop(&mut self) {
        // SAFETY: The reference is ours and ends here.
        unsafe {
            bindings::dev_kfree_skb_any_reason(
                self.skb,
                bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
            )
        }
    }
}

impl Drop for SkBuff<'_> {
    /// Frees an skb no one handed on (`dev_kfree_skb_any_reason`, which is
    /// right in any context).
    fn drop(&mut self) {
        // SAFETY: The skb is valid and owned; ownership ends here.
        unsafe {
            bindings::dev_kfree_skb_any_reason(
                self.raw(),
                bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
            )
        }
    }
}
