// SPDX-License-Identifier: GPL-2.0

//! Netlink extended acks.

use super::Attr;
use crate::{
    bindings,
    prelude::*,
    str::Formatter, //
};
use core::{
    fmt,
    ptr, //
};

/// A netlink extended ack (`struct netlink_ext_ack`); the core may pass none,
/// and then messages go nowhere.
///
/// # Invariants
///
/// `self.0` is NULL or valid and exclusively ours while `self` lives.
pub struct ExtAck(*mut bindings::netlink_ext_ack);

/// Length of the formatted message buffer (`NETLINK_MAX_FMTMSG_LEN`).
const FMTMSG_LEN: usize = bindings::NETLINK_MAX_FMTMSG_LEN as usize;

impl ExtAck {
    /// Wraps a raw pointer, which may be NULL.
    ///
    /// # Safety
    ///
    /// `ptr` must be NULL or valid and exclusively ours while the result lives.
    pub(crate) unsafe fn from_raw(ptr: *mut bindings::netlink_ext_ack) -> Self {
        // INVARIANT: Per the caller.
        Self(ptr)
    }

    pub(crate) fn as_raw(&mut self) -> *mut bindings::netlink_ext_ack {
        self.0
    }

    fn raw(&mut self) -> Option<&mut bindings::netlink_ext_ack> {
        // SAFETY: Per the type invariant.
        unsafe { self.0.as_mut() }
    }

    /// Sets the message (`NL_SET_ERR_MSG`).
    pub fn set_msg(&mut self, msg: &'static CStr) {
        // SAFETY: `msg` is a static string, as tracing keeps the pointer.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if let Some(e) = self.raw() {
            e._msg = msg.as_char_ptr();
        }
    }

    /// Sets the message and the offending attribute (`NL_SET_ERR_MSG_ATTR`,
    /// which clears the policy).
    pub fn set_msg_attr(&mut self, msg: &'static CStr, attr: &Attr) {
        // SAFETY: As for `set_msg`.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if let Some(e) = self.raw() {
            e._msg = msg.as_char_ptr();
            e.bad_attr = attr.as_raw();
            e.policy = ptr::null();
        }
    }

    /// Sets a formatted message (`NL_SET_ERR_MSG_FMT`), truncated to the
    /// netlink limit.
    pub fn set_msg_fmt(&mut self, args: fmt::Arguments<'_>) {
        self.fmt_inner(args, None)
    }

    /// Sets a formatted message and the offending attribute
    /// (`NL_SET_ERR_MSG_ATTR_FMT`, which clears the policy).
    pub fn set_msg_attr_fmt(&mut self, attr: &Attr, args: fmt::Arguments<'_>) {
        self.fmt_inner(args, Some(attr))
    }

    fn fmt_inner(&mut self, args: fmt::Arguments<'_>, attr: Option<&Attr>) {
        let Some(e) = self.raw() else { return };
        let mut f = Formatter::new(&mut e._msg_buf[..FMTMSG_LEN - 1]);
        // Stops at the end of the buffer, as `snprintf` truncates.
        let _ = fmt::write(&mut f, args);
        let end = f.bytes_written().min(FMTMSG_LEN - 1);
        e._msg_buf[end] = 0;
        // SAFETY: `_msg_buf` is NUL-terminated and lives as long as the
        // extack; tracing copies the string.
        unsafe { bindings::do_trace_netlink_extack(e._msg_buf.as_ptr()) };
        e._msg = e._msg_buf.as_ptr();
        if let Some(a) = attr {
            e.bad_attr = a.as_raw();
            e.policy = ptr::null();
        }
    }
}
