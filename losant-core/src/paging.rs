//! Streams over paged collections, one page ahead of the caller.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;

use crate::error::Result;

/// One page of a paged Losant collection (such as `losant_events::Events`).
pub trait Page {
    /// What the page lists.
    type Item;

    /// The items of this page, in order.
    fn into_items(self) -> Vec<Self::Item>;

    /// How many items match in all pages, when the server says.
    fn total_count(&self) -> Option<u64>;
}

/// A stream of every item of a paged collection; see [`paginate`].
///
/// While the caller works through one page, the next is already on its way (one page
/// ahead, never past the last page the server counts); [`prefetch(false)`](Self::prefetch)
/// fetches each page only when the items of the one before have all been taken.
#[must_use = "a stream does nothing unless it is polled"]
pub struct PageStream<'a, T> {
    inner: Pin<Box<dyn Pages<T> + Send + 'a>>,
}

impl<T> PageStream<'_, T> {
    /// Whether the next page is fetched while the caller works through the current
    /// one (default: yes). Off, at most one page is held in memory; on, at most two.
    pub fn prefetch(mut self, prefetch: bool) -> Self {
        self.inner.as_mut().set_prefetch(prefetch);
        self
    }
}

impl<T> Stream for PageStream<'_, T> {
    type Item = Result<T>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<T> fmt::Debug for PageStream<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PageStream")
    }
}

/// A [`Pager`] with its types erased.
trait Pages<T>: Stream<Item = Result<T>> {
    fn set_prefetch(self: Pin<&mut Self>, prefetch: bool);
}

/// The state of a [`PageStream`].
struct Pager<P: Page, F, Fut> {
    fetch: F,
    /// The page the next fetch asks for.
    next_page: u32,
    buffer: VecDeque<P::Item>,
    /// Items handed to the caller.
    yielded: u64,
    total: Option<u64>,
    /// An empty page or an error was met: nothing is fetched any more.
    done: bool,
    prefetch: bool,
    /// The fetch on its way.
    pending: Option<Pin<Box<Fut>>>,
    /// A page (or its error) that arrived before the caller needed it.
    arrived: Option<Result<P>>,
}

impl<P, F, Fut> Pager<P, F, Fut>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    /// Starts fetching the next page.
    fn start_fetch(&mut self) {
        let page = self.next_page;
        self.next_page = page.saturating_add(1);
        self.pending = Some(Box::pin((self.fetch)(page)));
    }

    /// Whether the items at hand reach the count the server gave: no page is left.
    fn all_in_hand(&self) -> bool {
        self.total
            .is_some_and(|total| self.yielded + self.buffer.len() as u64 >= total)
    }

    /// Takes a page that arrived: its items into the buffer (an empty page or an error
    /// ends the fetching; the error is returned), then the next page on its way when
    /// prefetching and one is left.
    fn take(&mut self, page: Result<P>) -> Option<crate::Error> {
        match page {
            Err(error) => {
                self.done = true;
                Some(error)
            }
            Ok(page) => {
                self.total = page.total_count().or(self.total);
                let items = page.into_items();
                if items.is_empty() {
                    self.done = true;
                } else {
                    self.buffer.extend(items);
                    if self.prefetch && !self.all_in_hand() {
                        self.start_fetch();
                    }
                }
                None
            }
        }
    }
}

impl<P, F, Fut> Stream for Pager<P, F, Fut>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    type Item = Result<P::Item>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.total.is_some_and(|total| this.yielded >= total) {
                this.pending = None;
                return Poll::Ready(None);
            }
            // The page on its way moves on, whether or not the caller needs it yet.
            if let Some(pending) = &mut this.pending
                && let Poll::Ready(page) = pending.as_mut().poll(cx)
            {
                this.pending = None;
                this.arrived = Some(page);
            }
            if let Some(item) = this.buffer.pop_front() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(page) = this.arrived.take() {
                if let Some(error) = this.take(page) {
                    return Poll::Ready(Some(Err(error)));
                }
                continue;
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.pending.is_none() {
                this.start_fetch();
                continue;
            }
            return Poll::Pending;
        }
    }
}

// The pager is never pinned field by field: the one future it polls is boxed and
// pinned on its own, so moving the pager moves nothing that is pinned.
impl<P: Page, F, Fut> Unpin for Pager<P, F, Fut> {}

impl<P, F, Fut> Pages<P::Item> for Pager<P, F, Fut>
where
    P: Page,
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<P>>,
{
    fn set_prefetch(self: Pin<&mut Self>, prefetch: bool) {
        self.get_mut().prefetch = prefetch;
    }
}

/// Streams every item of a paged collection, from page `first` on: while the caller
/// works through one page, the next is fetched (see [`PageStream::prefetch`]), never
/// past the last page the server counts. The stream ends after `totalCount` items or
/// at an empty page; an error is yielded once (after the items before it) and ends it.
///
/// The call of an endpoint declared with `paginate = "page"` has a `.stream()` built on
/// this; use it directly for anything else:
///
/// ```
/// use losant_core::stream::{StreamExt, TryStreamExt};
/// use losant_core::{paginate, Page, Result};
///
/// struct Numbers(Vec<u32>);
/// impl Page for Numbers {
///     type Item = u32;
///     fn into_items(self) -> Vec<u32> { self.0 }
///     fn total_count(&self) -> Option<u64> { Some(5) }
/// }
///
/// # futures_executor_block_on(async {
/// let pages = paginate(0, |page| async move {
///     Ok::<_, losant_core::Error>(Numbers((page * 2..page * 2 + 2).collect()))
/// });
/// let all: Vec<u32> = pages.try_collect().await?;
/// assert_eq!(all, [0, 1, 2, 3, 4]);
/// # Ok::<(), losant_core::Error>(()) });
/// # fn futures_executor_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
pub fn paginate<'a, P, F, Fut>(first: u32, fetch: F) -> PageStream<'a, P::Item>
where
    P: Page + Send + 'a,
    P::Item: Send + 'a,
    F: FnMut(u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<P>> + Send + 'a,
{
    PageStream {
        inner: Box::pin(Pager {
            fetch,
            next_page: first,
            buffer: VecDeque::new(),
            yielded: 0,
            total: None,
            done: false,
            prefetch: true,
            pending: None,
            arrived: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;

    use super::*;

    struct Numbers(Vec<u32>, Option<u64>);

    impl Page for Numbers {
        type Item = u32;
        fn into_items(self) -> Vec<u32> {
            self.0
        }
        fn total_count(&self) -> Option<u64> {
            self.1
        }
    }

    /// A collection of `total` numbers, `per_page` a page, recording each request.
    fn numbers(
        total: u32,
        per_page: u32,
        counted: bool,
        log: Arc<Mutex<Vec<u32>>>,
    ) -> impl FnMut(u32) -> std::future::Ready<Result<Numbers>> {
        move |page| {
            log.lock().unwrap().push(page);
            let items = (page * per_page..((page + 1) * per_page).min(total)).collect();
            std::future::ready(Ok(Numbers(items, counted.then_some(u64::from(total)))))
        }
    }

    #[tokio::test]
    async fn the_next_page_is_asked_for_while_the_first_is_taken() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stream = paginate(0, numbers(10, 4, true, Arc::clone(&log)));
        assert_eq!(stream.next().await.unwrap().unwrap(), 0);
        // One item taken: page 1 is already asked for, page 2 not yet.
        assert_eq!(*log.lock().unwrap(), [0, 1]);
        let rest: Vec<u32> = stream.map(|item| item.unwrap()).collect().await;
        assert_eq!(rest, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // Never past the last page the server counts.
        assert_eq!(*log.lock().unwrap(), [0, 1, 2]);
    }

    #[tokio::test]
    async fn without_prefetch_a_page_is_asked_for_when_the_one_before_is_taken() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stream = paginate(0, numbers(10, 4, true, Arc::clone(&log))).prefetch(false);
        for _ in 0..4 {
            stream.next().await.unwrap().unwrap();
        }
        assert_eq!(*log.lock().unwrap(), [0]);
        assert_eq!(stream.next().await.unwrap().unwrap(), 4);
        assert_eq!(*log.lock().unwrap(), [0, 1]);
    }

    #[tokio::test]
    async fn without_a_count_an_empty_page_ends_the_stream() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let all: Vec<u32> = paginate(0, numbers(6, 3, false, Arc::clone(&log)))
            .map(|item| item.unwrap())
            .collect()
            .await;
        assert_eq!(all, [0, 1, 2, 3, 4, 5]);
        assert_eq!(*log.lock().unwrap(), [0, 1, 2]);
    }

    #[tokio::test]
    async fn an_error_comes_after_the_items_before_it_and_ends_the_stream() {
        let calls = Arc::new(AtomicU32::new(0));
        let seen = Arc::clone(&calls);
        let stream = paginate(0, move |page| {
            seen.fetch_add(1, Ordering::SeqCst);
            std::future::ready(if page == 0 {
                Ok(Numbers(vec![1, 2], None))
            } else {
                Err(crate::error::ConfigError::error("page 1 failed"))
            })
        });
        let items: Vec<Result<u32>> = stream.collect().await;
        assert_eq!(items.len(), 3);
        assert_eq!(*items[0].as_ref().unwrap(), 1);
        assert_eq!(*items[1].as_ref().unwrap(), 2);
        assert!(
            items[2]
                .as_ref()
                .unwrap_err()
                .to_string()
                .contains("page 1 failed")
        );
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
