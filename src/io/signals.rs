//! SIGINT and SIGTERM while an output is pending: remove its temporary file,
//! say that the previous file was kept, exit with 128 + the signal number.
//! The handler only calls async-signal-safe functions (unlink, write, _exit).

#[cfg(not(unix))]
pub use other::{forget, remove_on_signal};
#[cfg(unix)]
pub use unix::{forget, remove_on_signal};

#[cfg(unix)]
mod unix {
    use std::ffi::{c_char, c_int, CString};
    use std::sync::atomic::{AtomicPtr, Ordering};

    extern "C" {
        fn signal(signum: c_int, handler: extern "C" fn(c_int)) -> usize;
        fn unlink(path: *const c_char) -> c_int;
        fn write(fd: c_int, buf: *const c_char, count: usize) -> isize;
        fn strlen(s: *const c_char) -> usize;
        fn _exit(status: c_int) -> !;
    }
    const SIGINT: c_int = 2;
    const SIGTERM: c_int = 15;

    /// The pending temporary file and the message naming the final file,
    /// NUL-terminated (never freed: the handler may be reading them).
    static TMP: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());
    static MESSAGE: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

    fn say(s: *const c_char) {
        // SAFETY: `s` is a NUL-terminated string that is never freed.
        unsafe {
            write(2, s, strlen(s));
        }
    }

    extern "C" fn on_signal(sig: c_int) {
        let name = if sig == SIGINT {
            c"jatopic: interrupted (SIGINT)"
        } else {
            c"jatopic: terminated (SIGTERM)"
        };
        say(name.as_ptr());
        let tmp = TMP.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: `tmp` is null or a NUL-terminated path that is never freed.
        if !tmp.is_null() && unsafe { unlink(tmp) } == 0 {
            say(MESSAGE.load(Ordering::SeqCst));
        } else {
            say(c"\n".as_ptr());
        }
        // SAFETY: _exit is async-signal-safe and ends the process.
        unsafe { _exit(128 + sig) }
    }

    /// Removes `tmp` if the process is interrupted before [`forget`].
    pub fn remove_on_signal(tmp: &str, path: &str) {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        let (Ok(tmp), Ok(message)) = (
            CString::new(tmp),
            CString::new(format!(
                "; {path} was not written (the previous file, if any, is kept) and no partial file was left\n"
            )),
        ) else {
            return;
        };
        MESSAGE.store(message.into_raw(), Ordering::SeqCst);
        TMP.store(tmp.into_raw(), Ordering::SeqCst);
        INSTALL.call_once(|| {
            // SAFETY: installs a handler that only calls async-signal-safe functions.
            unsafe {
                signal(SIGINT, on_signal);
                signal(SIGTERM, on_signal);
            }
        });
    }

    /// Stops removing `tmp` on a signal (it was renamed or removed).
    pub fn forget(tmp: &str) {
        let current = TMP.load(Ordering::SeqCst);
        // SAFETY: a non-null `current` is a NUL-terminated string never freed.
        if !current.is_null()
            && unsafe { std::ffi::CStr::from_ptr(current) }.to_bytes() == tmp.as_bytes()
        {
            let _ = TMP.compare_exchange(
                current,
                std::ptr::null_mut(),
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }
}

#[cfg(not(unix))]
mod other {
    pub fn remove_on_signal(_tmp: &str, _path: &str) {}
    pub fn forget(_tmp: &str) {}
}
