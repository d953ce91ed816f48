# SPDX-License-Identifier: GPL-2.0
# Reopens the holes the cases 42-63 cover (all but 53), in a copy of
# rust/kernel: with tools/nk/cf-reopen.sh each of them must then compile.
from edit import ed
# 42: no field type check in priv_field!
ed('net/dev/field.rs',[('|p: &<$T as $crate::net::dev::Driver>::Priv| &raw const p.$field,','|_: &<$T as $crate::net::dev::Driver>::Priv| ::core::ptr::null(),'),
# 43: no alignment check
('''        assert!(
            offset % core::mem::align_of::<F>() == 0''','''        assert!(
            true || offset % core::mem::align_of::<F>() == 0''')])
# 44: no size check
ed('net/dev/driver.rs',[('''            core::mem::size_of::<T::Priv>()
                <= c_int::MAX as usize''','''            true || core::mem::size_of::<T::Priv>()
                <= c_int::MAX as usize''')])
# 45: unregister with a shared RTNL
ed('net/rtnl/unregister.rs',[('pub fn dellink_leasees<T: LinkOps>(rtnl: &mut Rtnl, lessor: &dev::Device) {','pub fn dellink_leasees<T: LinkOps>(rtnl: &Rtnl, lessor: &dev::Device) {\n    let rtnl = &mut Rtnl { _nts: crate::types::NotThreadSafe, busy: rtnl.busy };')])
# 46: NewRxQueue not tied to the call
ed('net/dev/lock.rs',[("type Brand<'a> = PhantomData<fn(&'a ()) -> &'a ()>;","type Brand<'a> = PhantomData<&'a ()>;"),
 ("    pub fn add(self) -> Result<NewRxQueue<'a>> {","    pub fn add(self) -> Result<NewRxQueue<'static>> {")])
# 47: forward a pool setup to any lease
ed('net/queue.rs',[('''    /// The leased queue's index in that device.''','''    /// Reopened.
    pub fn setup_pool(self, _rtnl: &crate::net::rtnl::Rtnl, _phys: &crate::net::dev::Locked<'_>) -> Result {
        Ok(())
    }

    /// The leased queue's index in that device.''')])
# 48: PEER_TYPE unchecked
ed('net/rtnl/link.rs',[('T::PEER_TYPE == 0 || T::POLICY.holds_ifinfomsg(T::PEER_TYPE),','true || T::PEER_TYPE == 0 || T::POLICY.holds_ifinfomsg(T::PEER_TYPE),')])
# 49: XSK features without the ops
ed('net/rtnl/newlink.rs',[('                T::HAS_XSK_POOL_ENABLE && T::HAS_XSK_WAKEUP,','                true || T::HAS_BPF && T::HAS_XSK_WAKEUP,'),
# 59: register does not consume the device
 ('''    pub fn register(
        self,
        _rtnl: &'a Rtnl,''','''    pub fn register(
        &self,
        _rtnl: &'a Rtnl,''')])
# 50: an owned guard proves RCU; 51: the section's lifetime is the caller's
ed('net/dev/rcu.rs',[('impl RcuRead for RcuHeld {}','impl RcuRead for RcuHeld {}\nimpl Sealed for rcu::Guard {}\nimpl RcuRead for rcu::Guard {}'),
 ("    pub(crate) fn with_read_lock<R>(","    pub fn read_lock<R>(f: impl for<'a> FnOnce(&'a RcuHeld) -> R) -> R {\n        Self::with_read_lock(f)\n    }\n\n    pub(crate) fn with_read_lock<R>(")])
# 52: RTNL lock safe
ed('net/rtnl.rs',[('    pub unsafe fn lock() -> RtnlGuard {','    pub fn lock() -> RtnlGuard {')])
# 54, 57: registrations safe
ed('net/rtnl/registration.rs',[('    pub unsafe fn register() -> Result<Self> {','    pub fn register() -> Result<Self> {')])
ed('net/notifier.rs',[('    pub unsafe fn register() -> Result<Self> {','    pub fn register() -> Result<Self> {')])
# 55: change_flags on any device
ed('net/dev.rs',[('''    /// Whether the device is administratively up (`IFF_UP`).''','''    /// Reopened.
    pub fn change_flags(&self, _rtnl: &Rtnl, _flags: Flags) -> crate::error::Result {
        Ok(())
    }

    /// Whether the device is administratively up (`IFF_UP`).''')])
# 56: peer dev without tstats
ed('net/dev/adapter.rs',[('!T::HAS_GET_PEER_DEV || T::PCPU_STATS.is_tstats(),','true || !T::HAS_GET_PEER_DEV || T::PCPU_STATS.is_tstats(),')])
# 58: peer without PAIR
ed('net/dev/pair.rs',[('''                T::PAIR.is_some(),
                "the driver makes no pairs (Driver::PAIR)"''','''                true || T::PAIR.is_some(),
                "the driver makes no pairs (Driver::PAIR)"''')])
# 60: PrivField::get public
ed('net/dev/field.rs',[("    pub(crate) fn get<'a>(&self, data: &'a T::Priv) -> &'a F {","    pub fn get<'a>(&self, data: &'a T::Priv) -> &'a F {")])
# 61: the driver answers ndo_bpf
ed('net/dev/driver.rs',[('''    /// Whether an AF_XDP pool may be enabled on rx queue `queue_id`, which''','''    /// Reopened.
    fn bpf(_dev: &DriverDevice<Self>, _rtnl: &crate::net::rtnl::Rtnl) -> Result {
        Ok(())
    }

    /// Whether an AF_XDP pool may be enabled on rx queue `queue_id`, which''')])
# 62: the instance lock with any RTNL proof
ed('net/dev/lock.rs',[("    pub fn lock(&self, _rtnl: &Rtnl) -> InstanceGuard<'_> {","    pub fn lock(&self, _rtnl: &impl crate::net::rtnl::RtnlHeld) -> InstanceGuard<'_> {")])
# 63: any exported name
ed('net/dev/driver.rs',[('''            let _ = [$crate::bindings::$name, $name];''','''            let _ = $name;''')])
