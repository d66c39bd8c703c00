//! The CSV and TSV readers on arbitrary bytes (written to a scratch file:
//! the readers take paths). The first byte picks CSV or TSV, the field
//! options and the malformed-row budget.
#![no_main]

use jatopic::io::input::{read_documents, InputFormat};
use jatopic_fuzz::{check_read, options, write_scratch};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let format = if flags & 0x80 == 0 {
        InputFormat::Csv
    } else {
        InputFormat::Tsv
    };
    let path = write_scratch(format.name(), rest);
    let opts = options(flags, format);
    let mut warnings = 0u64;
    let result = read_documents(&[path], &opts, &mut |_| warnings += 1);
    check_read(&opts, result, warnings);
});
