//! Fuzz the line decoder: any bytes must give `Ok` or `Err`, never a panic, through the
//! envelope and every typed decode a reader would attempt next (params by method, results by
//! every method, events).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_proto::{decode_event, method_info, CodexEvent, Message, Notification, METHODS};

fuzz_target!(|data: &[u8]| {
    let Ok(msg) = Message::decode(data) else {
        return;
    };
    let _ = msg.encode(true);
    match &msg {
        Message::Request(r) => {
            if let Some(info) = method_info(&r.method) {
                let _ = info.check_params(r.params.as_deref());
                let _ = info.reencode_params(r.params.as_deref());
            }
        }
        Message::Notification(n) => {
            if let Some(Ok(event)) = decode_event(n) {
                let _ = Notification::new::<CodexEvent>(&event);
                let _ = event.msg.kind();
            } else if let Some(info) = method_info(&n.method) {
                let _ = info.check_params(n.params.as_deref());
            }
        }
        Message::Response(r) => {
            // The reader knows the method from the id; the fuzzer tries them all.
            for info in METHODS {
                let _ = info.check_result(&r.result);
            }
        }
        Message::Error(_) => {}
    }
});
