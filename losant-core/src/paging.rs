//! Streams over paged collections.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

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
pub type PageStream<'a, T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'a>>;

struct State<F, I> {
    fetch: F,
    next_page: u32,
    buffer: VecDeque<I>,
    yielded: u64,
    total: Option<u64>,
    done: bool,
}

/// Streams every item of a paged collection, fetching page `first`, then the next,
/// only when the items of the previous one have been taken: at most one page is held
/// in memory. The stream ends after `totalCount` items or at an empty page; an error
/// is yielded once and ends it.
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
    let state = State {
        fetch,
        next_page: first,
        buffer: VecDeque::new(),
        yielded: 0,
        total: None,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(
        state,
        |mut state| async move {
            loop {
                if state.total.is_some_and(|total| state.yielded >= total) {
                    return None;
                }
                if let Some(item) = state.buffer.pop_front() {
                    state.yielded += 1;
                    return Some((Ok(item), state));
                }
                if state.done {
                    return None;
                }
                match (state.fetch)(state.next_page).await {
                    Err(error) => {
                        state.done = true;
                        return Some((Err(error), state));
                    }
                    Ok(page) => {
                        state.total = page.total_count().or(state.total);
                        let items = page.into_items();
                        if items.is_empty() {
                            return None;
                        }
                        state.next_page += 1;
                        state.buffer.extend(items);
                    }
                }
            }
        },
    ))
}
