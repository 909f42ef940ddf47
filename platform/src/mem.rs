//! `memcpy` and `memmove` for static musl builds on x86_64.
//!
//! musl's x86_64 `memcpy` copies eight bytes at a time with `rep movsq`
//! and the rest one `movsb` at a time. `rep` has a start-up cost of some
//! tens of cycles whatever the length, and most of a shell's copies are
//! short: moving a syntax tree node (100–300 bytes), growing a small
//! vector, building a word. Profiled with `perf` on the static musl build,
//! `memcpy` was 10.5% of sourcing a 3,900-line library and 11% of
//! `benches/cpu.sh`, where glibc's vector `memmove` takes 1.7%. These
//! copy up to 128 bytes with overlapping unaligned 8- and 16-byte loads
//! and stores (SSE2 is part of x86_64), all loads before any store, so
//! that the same code serves `memmove`; longer copies use `rep movsb`,
//! which every x86_64 since 2012 runs fast (ERMS).
//!
//! Defining the two symbols in the program keeps the linker from taking
//! musl's: its `memmove.o` needs `memcpy.o`, so both are replaced
//! together. The copy is written in assembly, in a naked function: code
//! the compiler generates may itself call `memcpy` (to move an array, in
//! a debug build), which here would recurse for ever.

/// Copy `n` bytes from `src` to `dst`, which may overlap; returns `dst`.
///
/// # Safety
/// `src` must be valid for reading and `dst` for writing `n` bytes.
#[unsafe(naked)]
pub unsafe extern "C" fn copy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    // System V: rdi = dst, rsi = src, rdx = n; rax returns dst. Lengths up
    // to 128 load everything before storing anything, so an overlap either
    // way is safe; longer ones copy forward unless `dst` lies inside
    // `src`'s range above its start, then backward with the direction
    // flag set for the one instruction (the ABI wants it clear).
    core::arch::naked_asm!(
        "mov rax, rdi",
        "cmp rdx, 16",
        "ja 5f",
        "cmp rdx, 8",
        "jb 2f",
        "mov rcx, [rsi]",
        "mov rsi, [rsi + rdx - 8]",
        "mov [rdi], rcx",
        "mov [rdi + rdx - 8], rsi",
        "ret",
        "2:",
        "cmp rdx, 4",
        "jb 3f",
        "mov ecx, [rsi]",
        "mov esi, [rsi + rdx - 4]",
        "mov [rdi], ecx",
        "mov [rdi + rdx - 4], esi",
        "ret",
        "3:",
        "cmp rdx, 2",
        "jb 4f",
        "movzx ecx, word ptr [rsi]",
        "movzx esi, word ptr [rsi + rdx - 2]",
        "mov [rdi], cx",
        "mov [rdi + rdx - 2], si",
        "ret",
        "4:",
        "test rdx, rdx",
        "jz 9f",
        "movzx ecx, byte ptr [rsi]",
        "mov [rdi], cl",
        "9:",
        "ret",
        "5:",
        "cmp rdx, 32",
        "ja 6f",
        "movups xmm0, [rsi]",
        "movups xmm1, [rsi + rdx - 16]",
        "movups [rdi], xmm0",
        "movups [rdi + rdx - 16], xmm1",
        "ret",
        "6:",
        "cmp rdx, 64",
        "ja 7f",
        "movups xmm0, [rsi]",
        "movups xmm1, [rsi + 16]",
        "movups xmm2, [rsi + rdx - 32]",
        "movups xmm3, [rsi + rdx - 16]",
        "movups [rdi], xmm0",
        "movups [rdi + 16], xmm1",
        "movups [rdi + rdx - 32], xmm2",
        "movups [rdi + rdx - 16], xmm3",
        "ret",
        "7:",
        "cmp rdx, 128",
        "ja 8f",
        "movups xmm0, [rsi]",
        "movups xmm1, [rsi + 16]",
        "movups xmm2, [rsi + 32]",
        "movups xmm3, [rsi + 48]",
        "movups xmm4, [rsi + rdx - 64]",
        "movups xmm5, [rsi + rdx - 48]",
        "movups xmm6, [rsi + rdx - 32]",
        "movups xmm7, [rsi + rdx - 16]",
        "movups [rdi], xmm0",
        "movups [rdi + 16], xmm1",
        "movups [rdi + 32], xmm2",
        "movups [rdi + 48], xmm3",
        "movups [rdi + rdx - 64], xmm4",
        "movups [rdi + rdx - 48], xmm5",
        "movups [rdi + rdx - 32], xmm6",
        "movups [rdi + rdx - 16], xmm7",
        "ret",
        "8:",
        "mov rcx, rdi",
        "sub rcx, rsi",
        "cmp rcx, rdx",
        "jb 9f",
        "mov rcx, rdx",
        "rep movsb",
        "ret",
        "9:",
        "lea rdi, [rdi + rdx - 1]",
        "lea rsi, [rsi + rdx - 1]",
        "mov rcx, rdx",
        "std",
        "rep movsb",
        "cld",
        "ret",
    )
}

/// The C library's `memcpy`, replaced (see the module's comment).
///
/// # Safety
/// As C's: `src` valid for reading and `dst` for writing `n` bytes.
#[cfg(target_env = "musl")]
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!("jmp {}", sym copy)
}

/// The C library's `memmove`, replaced (see the module's comment).
///
/// # Safety
/// As C's: `src` valid for reading and `dst` for writing `n` bytes.
#[cfg(target_env = "musl")]
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    core::arch::naked_asm!("jmp {}", sym copy)
}

#[cfg(test)]
mod tests {
    use super::copy;

    /// Every length up to 300 and several offsets of the two ranges within a
    /// buffer, overlapping both ways or not at all, against a copy made
    /// byte by byte.
    #[test]
    fn copies_every_length_and_overlap() {
        const LEN: usize = 700;
        let pattern: Vec<u8> = (0..LEN).map(|i| (i * 7 + 3) as u8).collect();
        for n in 0..300 {
            for (s, d) in [
                (0, 350),
                (350, 0),
                (10, 11),
                (11, 10),
                (5, 5 + n / 2),
                (5 + n / 2, 5),
                (3, 3),
            ] {
                let mut buf = pattern.clone();
                let mut want = pattern.clone();
                let bytes: Vec<u8> = pattern[s..s + n].to_vec();
                for (i, b) in bytes.into_iter().enumerate() {
                    want[d + i] = b;
                }
                let p = buf.as_mut_ptr();
                // SAFETY: both ranges lie within `buf` (s, d + n ≤ 700).
                unsafe { copy(p.wrapping_add(d), p.wrapping_add(s), n) };
                assert!(buf == want, "n {n}, from {s} to {d}");
            }
        }
    }
}
