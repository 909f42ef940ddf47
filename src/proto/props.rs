//! Property tests: decoding never panics on arbitrary bytes, and every
//! message survives encode → decode.

use super::message::{Context, ErrorCode, ExitStatus, JobRequest, Message, StatusReport};
use super::{Header, split};
use proptest::prelude::*;

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn no_nul(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(1u8..=255, 0..max)
}

fn job() -> impl Strategy<Value = JobRequest> {
    (
        (
            0u32..=0o777,
            1i32..i32::MAX,
            0i32..i32::MAX,
            any::<u64>(),
            any::<u64>(),
            any::<u64>(),
        ),
        no_nul(64),
        proptest::collection::btree_set(0i32..300, 0..20),
        proptest::collection::vec(no_nul(32), 1..8),
        proptest::collection::vec(no_nul(32), 0..8),
    )
        .prop_map(
            |((umask, pid, ppid, ignored, blocked, limits), cwd, fds, argv, env)| JobRequest {
                umask,
                pid,
                ppid,
                ignored,
                blocked,
                context: Context {
                    limits,
                    scheduling: limits.rotate_left(8),
                    credentials: ignored,
                    place: blocked,
                },
                flags: (limits & 1) as u32,
                sent_ns: ignored ^ blocked,
                cwd,
                fds: fds.into_iter().collect(),
                argv,
                env: env.into_iter().collect(),
            },
        )
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        job().prop_map(Message::Job),
        (1i32..64, -1i32..1 << 22)
            .prop_map(|(signal, from_group)| Message::Signal { signal, from_group }),
        Just(Message::StatusRequest),
        Just(Message::Stop),
        (any::<i32>(), any::<i32>()).prop_map(|(worker, pgid)| Message::Started { worker, pgid }),
        any::<u8>().prop_map(|c| Message::Exit(ExitStatus::Exited(c))),
        (1i32..64, any::<bool>()).prop_map(|(signal, core_dumped)| Message::Exit(
            ExitStatus::Signaled {
                signal,
                core_dumped
            }
        )),
        Just(Message::Busy),
        bytes(200).prop_map(|message| Message::Error {
            code: ErrorCode::Internal,
            message
        }),
        (any::<i32>(), bytes(10), any::<u64>()).prop_map(|(pid, backend, jobs_served)| {
            Message::Status(StatusReport {
                pid,
                backend,
                jobs_served,
                ..StatusReport::default()
            })
        }),
        Just(Message::Stopping),
        Just(Message::Queued),
        (any::<i32>(), any::<i32>(), any::<bool>()).prop_map(|(pid, pgid, listening)| {
            Message::Ready {
                pid,
                pgid,
                listening,
            }
        }),
        (bytes(100), 1usize..4).prop_map(|(data, nfds)| Message::Handoff { data, nfds }),
        Just(Message::Saturated),
        Just(Message::Cancelling),
        Just(Message::Tick),
        Just(Message::Listen),
    ]
}

proptest! {
    #[test]
    fn decode_never_panics(data in bytes(512)) {
        if let Ok(Some((h, payload, _))) = split(&data) {
            let _ = Message::decode(&h, payload);
            let _ = super::message::JobSummary::decode(payload);
        }
    }

    #[test]
    fn decode_never_panics_behind_a_valid_header(kind in prop_oneof![Just(1u8), 2u8..5, 16u8..22, 32u8..37, Just(48u8)],
                                                 nfds in 0u8..4, payload in bytes(300)) {
        let mut data = Vec::new();
        data.extend_from_slice(b"RUSH");
        data.extend_from_slice(&[super::VERSION, kind, 0, nfds]);
        data.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        data.extend_from_slice(&payload);
        if let Ok(Some((h, payload, _))) = split(&data) {
            let _ = Message::decode(&h, payload);
            let _ = super::message::JobSummary::decode(payload);
        }
    }

    #[test]
    fn encode_decode_round_trips(m in message()) {
        let mut buf = Vec::new();
        m.encode(&mut buf);
        let (h, payload, used): (Header, &[u8], usize) = split(&buf).unwrap().unwrap();
        prop_assert_eq!(used, buf.len());
        prop_assert_eq!(usize::from(h.nfds), m.nfds());
        prop_assert_eq!(Message::decode(&h, payload).unwrap(), m);
    }

    #[test]
    fn every_prefix_is_incomplete_not_an_error(m in message()) {
        let mut buf = Vec::new();
        m.encode(&mut buf);
        for cut in 0..buf.len() {
            prop_assert_eq!(split(&buf[..cut]), Ok(None));
        }
    }
}
