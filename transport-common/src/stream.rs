//! A plain or TLS connection, for either runtime's I/O traits, and futures-io as hyper I/O.

use std::fmt;

/// A plain connection `P` or a TLS one `T` over it. Reads and writes go to whichever it is.
///
/// With the `tokio` feature it is tokio I/O when both are; with `futures-io`, futures I/O.
pub enum MaybeTls<P, T> {
    /// Plain TCP (`http`, `ws`).
    Plain(P),
    /// TLS (`https`, `wss`), boxed: a TLS session is large.
    Tls(Box<T>),
}

impl<P, T> fmt::Debug for MaybeTls<P, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MaybeTls::Plain(_) => "Plain",
            MaybeTls::Tls(_) => "Tls",
        })
    }
}

/// Forward a poll method to whichever variant this is.
#[cfg(any(feature = "tokio", feature = "futures-io"))]
macro_rules! forward {
    ($self:ident, |$s:ident| $call:expr) => {
        match $self.get_mut() {
            MaybeTls::Plain($s) => {
                let $s = std::pin::Pin::new($s);
                $call
            }
            MaybeTls::Tls($s) => {
                let $s = std::pin::Pin::new($s.as_mut());
                $call
            }
        }
    };
}

#[cfg(feature = "tokio")]
mod tokio_io {
    use super::MaybeTls;
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    impl<P, T> AsyncRead for MaybeTls<P, T>
    where
        P: AsyncRead + Unpin,
        T: AsyncRead + Unpin,
    {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            forward!(self, |s| s.poll_read(cx, buf))
        }
    }

    impl<P, T> AsyncWrite for MaybeTls<P, T>
    where
        P: AsyncWrite + Unpin,
        T: AsyncWrite + Unpin,
    {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            forward!(self, |s| s.poll_write(cx, buf))
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            forward!(self, |s| s.poll_flush(cx))
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            forward!(self, |s| s.poll_shutdown(cx))
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            forward!(self, |s| s.poll_write_vectored(cx, bufs))
        }

        fn is_write_vectored(&self) -> bool {
            match self {
                MaybeTls::Plain(s) => s.is_write_vectored(),
                MaybeTls::Tls(s) => s.is_write_vectored(),
            }
        }
    }
}

#[cfg(feature = "futures-io")]
mod futures_io_impl {
    use super::MaybeTls;
    use futures_io::{AsyncRead, AsyncWrite};
    use std::io;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    impl<P, T> AsyncRead for MaybeTls<P, T>
    where
        P: AsyncRead + Unpin,
        T: AsyncRead + Unpin,
    {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut [u8],
        ) -> Poll<io::Result<usize>> {
            forward!(self, |s| s.poll_read(cx, buf))
        }
    }

    impl<P, T> AsyncWrite for MaybeTls<P, T>
    where
        P: AsyncWrite + Unpin,
        T: AsyncWrite + Unpin,
    {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            forward!(self, |s| s.poll_write(cx, buf))
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            forward!(self, |s| s.poll_write_vectored(cx, bufs))
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            forward!(self, |s| s.poll_flush(cx))
        }

        fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            forward!(self, |s| s.poll_close(cx))
        }
    }

    /// A futures-io connection as hyper I/O (hyper-util's `TokioIo` for the other family).
    ///
    /// Reads go through a stack buffer and are copied into hyper's, which is uninitialised
    /// memory we may not hand to safe code; the copy is small next to TLS decryption.
    #[derive(Debug)]
    pub struct FuturesIo<S>(pub S);

    /// What a connector hands hyper-util's pooled client: a plain connection, with no
    /// proxy or ALPN details to report.
    impl<S> hyper_util::client::legacy::connect::Connection for FuturesIo<S> {
        fn connected(&self) -> hyper_util::client::legacy::connect::Connected {
            hyper_util::client::legacy::connect::Connected::new()
        }
    }

    impl<S: AsyncRead + Unpin> hyper::rt::Read for FuturesIo<S> {
        fn poll_read(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            mut buf: hyper::rt::ReadBufCursor<'_>,
        ) -> Poll<io::Result<()>> {
            let mut tmp = [0u8; 16 * 1024];
            let want = buf.remaining().min(tmp.len());
            match Pin::new(&mut self.get_mut().0).poll_read(cx, &mut tmp[..want]) {
                Poll::Ready(Ok(n)) => {
                    buf.put_slice(&tmp[..n]);
                    Poll::Ready(Ok(()))
                }
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        }
    }

    impl<S: AsyncWrite + Unpin> hyper::rt::Write for FuturesIo<S> {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
        }

        fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().0).poll_flush(cx)
        }

        fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.get_mut().0).poll_close(cx)
        }

        fn poll_write_vectored(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            bufs: &[io::IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.get_mut().0).poll_write_vectored(cx, bufs)
        }
    }
}

#[cfg(feature = "futures-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "futures-io")))]
pub use futures_io_impl::FuturesIo;
