//! The Parquet reader on arbitrary bytes (written to a scratch file: the
//! reader takes a path). The first byte picks the column options.
//!
//! The parquet crate is not hardened against every corrupt file and may
//! panic; src/io/input/parquet.rs catches that and reports an unreadable file
//! (its message naming `DECODER_PANICKED`), which is the documented
//! behaviour. libfuzzer-sys's panic hook would abort on such a caught panic,
//! so this target installs a silent hook instead: a panic that escapes
//! `read_documents` still aborts (libfuzzer-sys aborts when the closure
//! unwinds) and is reported as a crash.
#![no_main]

use jatopic::io::input::{read_documents, InputFormat};
use jatopic_fuzz::{check_read, options, write_scratch};
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

fuzz_target!(|data: &[u8]| {
    static QUIET: Once = Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let path = write_scratch("parquet", rest);
    let opts = options(flags, InputFormat::Parquet);
    let mut warnings = 0u64;
    let result = read_documents(&[path], &opts, &mut |_| warnings += 1);
    check_read(&opts, result, warnings);
});
