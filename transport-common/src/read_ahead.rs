//! Reading ahead on a busy websocket, without a big buffer on an idle one.
//!
//! tungstenite reads at most its read buffer size per call ([`crate::ws::READ_BUFFER`], kept
//! small so that thousands of idle connections stay cheap). When events stream in, that is
//! one system call per few kilobytes. [`ReadAhead`] notices a read that filled the caller's
//! buffer (more is probably waiting) and then reads up to [`AHEAD`] bytes at once into a
//! buffer of its own, which it hands out on the following reads. It drops that buffer when a
//! read finds the socket nearly drained, so a quiet connection holds none.

use std::io;
use std::task::{ready, Context, Poll};

/// The most read ahead in one call.
pub const AHEAD: usize = 32 * 1024;

/// A connection that reads ahead while it is busy (see the module docs). Writes go straight
/// through.
#[derive(Debug)]
pub struct ReadAhead<S> {
    inner: S,
    /// Bytes read ahead: `spill[start..end]` are still to be handed out.
    spill: Vec<u8>,
    start: usize,
    end: usize,
    /// The last read filled its buffer: read ahead next time.
    hot: bool,
}

impl<S> ReadAhead<S> {
    /// Wrap a connection.
    pub fn new(inner: S) -> Self {
        ReadAhead {
            inner,
            spill: Vec::new(),
            start: 0,
            end: 0,
            hot: false,
        }
    }

    /// The bytes read ahead and not handed out yet.
    fn pending(&self) -> &[u8] {
        self.spill.get(self.start..self.end).unwrap_or_default()
    }

    /// Hand out up to `room` read-ahead bytes through `put`.
    fn hand_out(&mut self, room: usize, put: impl FnOnce(&[u8])) -> usize {
        let n = room.min(self.end - self.start);
        put(self
            .spill
            .get(self.start..self.start + n)
            .unwrap_or_default());
        self.start += n;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
        n
    }

    /// After a direct read of `n` bytes into a buffer of `room`: a full buffer means more is
    /// probably waiting; a read of under a quarter of it means the connection is quiet, and
    /// the read-ahead buffer goes.
    fn after_direct(&mut self, n: usize, room: usize) {
        if n > 0 && n == room {
            self.hot = true;
        } else if n < room / 4 {
            self.spill = Vec::new();
        }
    }

    /// The connection and the read-ahead buffer, made when first needed (zeroed: safe code
    /// reads only initialised memory).
    fn parts(&mut self) -> (&mut S, &mut [u8]) {
        if self.spill.len() < AHEAD {
            self.spill = vec![0; AHEAD];
        }
        (&mut self.inner, &mut self.spill[..])
    }

    /// After reading `n` bytes ahead: a read that did not fill the buffer drained the socket.
    fn after_ahead(&mut self, n: usize) {
        self.start = 0;
        self.end = n;
        self.hot = n == AHEAD;
    }

    /// Whether this read should go ahead into the own buffer rather than the caller's.
    fn goes_ahead(&self, room: usize) -> bool {
        self.hot && room < AHEAD
    }

    /// One read into the caller's `buf` (of `room` bytes), the same for every runtime's
    /// `poll_read`: hand out what was read ahead; else read straight into `buf` (`direct`)
    /// or, while the connection is busy, ahead into the own buffer (`ahead`) and hand out
    /// from it. `put` copies read-ahead bytes into `buf`. The number of bytes `buf` got.
    fn poll_read_into<B: ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut B,
        room: usize,
        direct: impl FnOnce(&mut S, &mut Context<'_>, &mut B) -> Poll<io::Result<usize>>,
        ahead: impl FnOnce(&mut S, &mut Context<'_>, &mut [u8]) -> Poll<io::Result<usize>>,
        put: impl Fn(&mut B, &[u8]),
    ) -> Poll<io::Result<usize>> {
        if !self.pending().is_empty() {
            return Poll::Ready(Ok(self.hand_out(room, |b| put(buf, b))));
        }
        if !self.goes_ahead(room) {
            let n = ready!(direct(&mut self.inner, cx, buf))?;
            self.after_direct(n, room);
            return Poll::Ready(Ok(n));
        }
        let (inner, spill) = self.parts();
        let n = ready!(ahead(inner, cx, spill))?;
        self.after_ahead(n);
        Poll::Ready(Ok(self.hand_out(room, |b| put(buf, b))))
    }
}

#[cfg(feature = "tokio")]
mod tokio_io {
    use super::ReadAhead;
    use std::io;
    use std::pin::Pin;
    use std::task::{ready, Context, Poll};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    impl<S: AsyncRead + Unpin> AsyncRead for ReadAhead<S> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            let room = buf.remaining();
            let read = self.get_mut().poll_read_into(
                cx,
                buf,
                room,
                |inner, cx, buf| {
                    let before = buf.filled().len();
                    ready!(Pin::new(inner).poll_read(cx, buf))?;
                    Poll::Ready(Ok(buf.filled().len() - before))
                },
                |inner, cx, spill| {
                    let mut ahead = ReadBuf::new(spill);
                    ready!(Pin::new(inner).poll_read(cx, &mut ahead))?;
                    Poll::Ready(Ok(ahead.filled().len()))
                },
                |buf, b| buf.put_slice(b),
            );
            read.map_ok(|_| ())
        }
    }

    impl<S: AsyncWrite + Unpin> AsyncWrite for ReadAhead<S> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
        }

        fn is_write_vectored(&self) -> bool {
            self.inner.is_write_vectored()
        }
    }
}

#[cfg(feature = "futures-io")]
mod futures_io_impl {
    use super::ReadAhead;
    use futures_io::{AsyncRead, AsyncWrite};
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    impl<S: AsyncRead + Unpin> AsyncRead for ReadAhead<S> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            let room = buf.len();
            self.get_mut().poll_read_into(
                cx,
                buf,
                room,
                |inner, cx, buf| Pin::new(inner).poll_read(cx, buf),
                |inner, cx, spill| Pin::new(inner).poll_read(cx, spill),
                |buf, b| {
                    if let Some(dst) = buf.get_mut(..b.len()) {
                        dst.copy_from_slice(b);
                    }
                },
            )
        }
    }

    impl<S: AsyncWrite + Unpin> AsyncWrite for ReadAhead<S> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_flush(cx)
        }

        fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().inner).poll_close(cx)
        }
    }
}

#[cfg(all(test, feature = "tokio"))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, ReadBuf};

    /// A connection that has `data` waiting and counts its reads.
    struct Source {
        data: Vec<u8>,
        at: usize,
        reads: usize,
    }

    impl AsyncRead for Source {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            self.reads += 1;
            let n = buf.remaining().min(self.data.len() - self.at);
            let at = self.at;
            buf.put_slice(&self.data[at..at + n]);
            self.at += n;
            Poll::Ready(Ok(()))
        }
    }

    fn source(len: usize) -> Source {
        Source {
            data: (0..len).map(|i| (i % 251) as u8).collect(),
            at: 0,
            reads: 0,
        }
    }

    /// Read everything in `chunk`-sized reads, as tungstenite does (the source is always
    /// ready, so one poll answers each read).
    fn drain(r: &mut ReadAhead<Source>, chunk: usize) -> Vec<u8> {
        let mut cx = Context::from_waker(std::task::Waker::noop());
        let mut out = Vec::new();
        let mut buf = vec![0u8; chunk];
        loop {
            let mut rb = ReadBuf::new(&mut buf);
            match Pin::new(&mut *r).poll_read(&mut cx, &mut rb) {
                Poll::Ready(Ok(())) => {}
                other => panic!("{other:?}"),
            }
            let n = rb.filled().len();
            if n == 0 {
                return out;
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn a_burst_is_read_ahead_in_order_with_fewer_reads() {
        let len = 200_000;
        let mut r = ReadAhead::new(source(len));
        let got = drain(&mut r, 4096);
        assert_eq!(got, source(len).data);
        // Direct reads alone would take len / 4096 + 1 = 49 reads.
        let reads = r.inner.reads;
        assert!(reads <= len / AHEAD + 3, "{reads} reads");
        // Drained: the read-ahead buffer is gone.
        assert!(r.spill.is_empty());
    }

    #[test]
    fn a_quiet_connection_holds_no_buffer() {
        let mut r = ReadAhead::new(source(100));
        let got = drain(&mut r, 4096);
        assert_eq!(got.len(), 100);
        assert_eq!(r.inner.reads, 2);
        assert_eq!(r.spill.capacity(), 0);
    }

    #[test]
    fn big_reads_go_straight_through() {
        let mut r = ReadAhead::new(source(3 * AHEAD));
        let got = drain(&mut r, 2 * AHEAD);
        assert_eq!(got, source(3 * AHEAD).data);
        assert_eq!(r.spill.capacity(), 0);
    }
}
