use super::*;

fn round_trip(encoder: &mut Encoder, decoder: &mut Decoder, frame: &Frame) -> Frame {
    let mut bytes = Vec::new();
    encoder.encode(frame, &mut bytes).unwrap();
    // A frame short of its last byte waits for it (before anything is inflated).
    let mut partial = BytesMut::from(&bytes[..bytes.len() - 1]);
    assert!(Decoder::default().decode(&mut partial).unwrap().is_none());
    let mut buf = BytesMut::from(&bytes[..]);
    let decoded = decoder.decode(&mut buf).unwrap().unwrap();
    assert!(buf.is_empty());
    decoded
}

#[test]
fn frames_survive_a_round_trip_with_one_compression_context() {
    let mut encoder = Encoder::new().unwrap();
    let mut decoder = Decoder::default();
    let headers: Headers = vec![
        ("streamtype".into(), "data".into()),
        ("port".into(), "80".into()),
        ("requestid".into(), "0".into()),
    ];
    for id in [1, 3, 5] {
        let frame = Frame::SynStream {
            stream_id: id,
            headers: headers.clone(),
            fin: id == 5,
        };
        assert_eq!(round_trip(&mut encoder, &mut decoder, &frame), frame);
    }
    for frame in [
        Frame::SynReply {
            stream_id: 1,
            headers: Headers::new(),
            fin: false,
        },
        Frame::Data {
            stream_id: 3,
            fin: true,
            data: Bytes::from_static(b"GET / HTTP/1.1\r\n\r\n"),
        },
        Frame::Data {
            stream_id: 3,
            fin: true,
            data: Bytes::new(),
        },
        Frame::Ping(7),
        Frame::RstStream {
            stream_id: 5,
            status: 5,
        },
        Frame::GoAway {
            last_good: 5,
            status: 0,
        },
        Frame::WindowUpdate {
            stream_id: 1,
            delta: 4096,
        },
    ] {
        assert_eq!(round_trip(&mut encoder, &mut decoder, &frame), frame);
    }
}
