//! Extension (bonus): end-to-end encryption. The store holds ciphertext; the
//! encrypted selectors show plaintext and decrypt each message version once.

use super::data::*;
use crate::harness::*;
use improbability_drive::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A toy cipher (a shift of every letter, behind a marker) that counts its
/// decryptions. Decrypting text that is not its ciphertext panics.
#[derive(Default)]
struct CountingCipher {
    decrypts: AtomicUsize,
}

const MARK: &str = "🔒";

fn shift(text: &str, by: u8) -> String {
    text.chars()
        .map(|c| match c {
            'a'..='z' => ((c as u8 - b'a' + by) % 26 + b'a') as char,
            'A'..='Z' => ((c as u8 - b'A' + by) % 26 + b'A') as char,
            c => c,
        })
        .collect()
}

impl Cipher for CountingCipher {
    fn encrypt(&self, plaintext: &str) -> String {
        format!("{MARK}{}", shift(plaintext, 13))
    }

    fn decrypt(&self, ciphertext: &str) -> String {
        self.decrypts.fetch_add(1, Ordering::Relaxed);
        let Some(body) = ciphertext.strip_prefix(MARK) else {
            panic!("Cipher::decrypt was given {ciphertext:?}, which is not ciphertext");
        };
        shift(body, 13)
    }
}

fn plaintext(id: &str) -> String {
    format!("Secret {id}: the answer is 42")
}

/// heart-of-gold with 60 encrypted messages m00..m59 (m07, m17, ... reply to
/// the message two before them).
fn encrypted_state(cipher: &CountingCipher) -> Result<ChatState, String> {
    let authors = ["ford", "zaphod", "trillian", "arthur"];
    let mut messages = Vec::new();
    for i in 0..60u64 {
        let id = format!("m{i:02}");
        let mut m = msg(&id, "heart-of-gold", authors[i as usize % 4], 1_000 + 10 * i);
        if i % 10 == 7 {
            m.parent_message_id = Some(mid(&format!("m{:02}", i - 2)));
        }
        m.content = cipher.encrypt(&plaintext(&id));
        messages.push(m);
    }
    build(crew_snapshot(messages))
}

// Catches: encrypted selectors that show ciphertext, decrypt the wrong
// message, or replace the stored ciphertext with plaintext.
pub fn selectors_decrypt() -> CheckResult {
    let cipher = Arc::new(CountingCipher::default());
    let state = encrypted_state(&cipher)?;
    let mut channels = make_select_channel_with_live_data_encrypted(cipher.clone());
    let view = some(
        channels.select(&state, &cid("heart-of-gold"), &uid("arthur")),
        "the encrypted channel view of heart-of-gold",
    )?;
    ensure_eq!(view.messages.len(), 50, "the encrypted channel view: number of messages");
    for m in &view.messages {
        let id = m.message.id.as_str();
        ensure_eq!(m.content.clone(), plaintext(id), "the encrypted channel view: the content shown for {id}");
        ensure_eq!(
            m.message.content.clone(),
            message(&state, id, "encrypted view")?.content.clone(),
            "the encrypted channel view: {id}'s message.content stays the stored ciphertext"
        );
    }
    let mut threads = make_select_message_thread_encrypted(cipher.clone());
    let thread = some(threads.select(&state, &mid("m25")), "the encrypted thread view of m25")?;
    ensure_eq!(
        thread.parent.content.clone(),
        plaintext("m25"),
        "the encrypted thread view of m25: the parent's content"
    );
    let replies: Vec<String> = thread.replies.iter().map(|r| r.content.clone()).collect();
    ensure_eq!(replies, vec![plaintext("m27")], "the encrypted thread view of m25: the replies' contents");

    let plain = channel_view(&state, "heart-of-gold", "arthur")?;
    ensure_eq!(
        plain.messages[0].content.clone(),
        plain.messages[0].message.content.clone(),
        "a channel view without a cipher shows the stored content as it is"
    );
    Ok(())
}

// Catches: decrypting every message again on every recomputation (or every
// select) instead of once per message version.
pub fn decrypt_once() -> CheckResult {
    let cipher = Arc::new(CountingCipher::default());
    let mut state = encrypted_state(&cipher)?;
    let (hog, arthur) = (cid("heart-of-gold"), uid("arthur"));
    let mut selector = make_select_channel_with_live_data_encrypted(cipher.clone());
    let mut calls = |s: &ChatState, what: &str| -> Result<usize, String> {
        let before = cipher.decrypts.load(Ordering::Relaxed);
        some(selector.select(s, &hog, &arthur), what)?;
        Ok(cipher.decrypts.load(Ordering::Relaxed) - before)
    };
    ensure_eq!(calls(&state, "first select")?, 50, "decryptions for the first encrypted channel view (50 messages)");
    ensure_eq!(calls(&state, "second select")?, 0, "decryptions when selecting again with the same state");

    let new = Message { content: cipher.encrypt("A new secret"), ..msg("m60", "heart-of-gold", "ford", 2_000) };
    state = ok(
        apply_sync_updates(&state, SyncUpdates { messages: vec![new], synced_at: 2_000, ..Default::default() }),
        "sync a new message m60",
    )?;
    ensure_eq!(calls(&state, "after m60")?, 1, "decryptions after one new message arrives (only the new one)");

    state =
        ok(edit_message_optimistically(&state, &mid("m55"), &cipher.encrypt("An edited secret"), 2_100), "edit m55")?;
    ensure_eq!(
        calls(&state, "after editing m55")?,
        1,
        "decryptions after one message is edited (only its new version)"
    );

    state = ok(start_typing(&state, &hog, &uid("ford")), "ford starts typing")?;
    ensure_eq!(calls(&state, "after ford starts typing")?, 0, "decryptions after a change that touches no message");
    state = ok(mark_read(&state, &mid("m50"), &uid("arthur"), 2_200), "arthur reads m50")?;
    ensure_eq!(calls(&state, "after arthur reads m50")?, 0, "decryptions after a read receipt");

    let mut threads = make_select_message_thread_encrypted(cipher.clone());
    let before = cipher.decrypts.load(Ordering::Relaxed);
    some(threads.select(&state, &mid("m45")), "the encrypted thread view of m45")?;
    ensure_eq!(
        cipher.decrypts.load(Ordering::Relaxed) - before,
        2,
        "decryptions for the thread of m45 (the parent and its reply m47)"
    );
    state = ok(mark_read(&state, &mid("m47"), &uid("ford"), 2_300), "ford reads m47")?;
    let before = cipher.decrypts.load(Ordering::Relaxed);
    let view = some(threads.select(&state, &mid("m45")), "the thread of m45 after ford reads m47")?;
    ensure_eq!(
        view.replies.first().map(|r| r.read_by.clone()),
        Some(uids(&["ford"])),
        "the thread of m45 after ford reads m47: read_by"
    );
    ensure_eq!(
        cipher.decrypts.load(Ordering::Relaxed) - before,
        0,
        "decryptions for the thread of m45 again, after a read receipt"
    );
    Ok(())
}
