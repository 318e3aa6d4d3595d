//! The commands of the `event` and `events` resources, whose bindings are written by
//! hand in `losant-events` (so their commands are too), in the generated commands'
//! shape: the same table entries, flags named after the API's parameters.

use clap::ArgMatches;
use losant::events::{
    EventApi, EventPatch, EventPost, EventQuery, EventsApi, EventsExport, EventsFilter, EventsQuery,
};
use losant::{ApplicationId, EventId, MaybeJob};
use serde_json::{Map, Value};

use crate::cx::{Action, BodySpec, CliError, Cx, Flag, FlagKind, Flags as _, Run};

const APP: Flag = Flag {
    name: "application-id",
    help: "ID associated with the application.",
    kind: FlagKind::Id,
    required: true,
    values: &[],
};
const EVENT: Flag = Flag {
    name: "event-id",
    help: "ID associated with the event.",
    kind: FlagKind::Id,
    required: true,
    values: &[],
};
const QUERY: Flag = Flag {
    name: "query",
    help: "Event advanced query JSON object (JSON).",
    kind: FlagKind::Json,
    required: false,
    values: &[],
};
const FILTER: Flag = Flag {
    name: "filter",
    help: "Filter to apply against event subjects. Supports globbing.",
    kind: FlagKind::Text,
    required: false,
    values: &[],
};
const STATE: Flag = Flag {
    name: "state",
    help: "If provided, return events only in the given state.",
    kind: FlagKind::Text,
    required: false,
    values: &["new", "acknowledged", "resolved"],
};
const EMAIL: Flag = Flag {
    name: "email",
    help: "Email address to send the result to; the work is then queued as a job.",
    kind: FlagKind::Text,
    required: false,
    values: &[],
};
const CALLBACK: Flag = Flag {
    name: "callback-url",
    help: "Callback URL to call with the result; the work is then queued as a job.",
    kind: FlagKind::Text,
    required: false,
    values: &[],
};

/// The event and events commands, sorted by resource and action.
pub(crate) static ACTIONS: &[Action] = &[
    Action {
        resource: "event",
        name: "delete",
        official: "event.delete",
        http: "DELETE /applications/{applicationId}/events/{eventId}",
        about: "Deletes an event.",
        flags: &[APP, EVENT],
        body: None,
        paged: false,
        stream: false,
        run: delete_event,
    },
    Action {
        resource: "event",
        name: "get",
        official: "event.get",
        http: "GET /applications/{applicationId}/events/{eventId}",
        about: "Retrieves information on an event.",
        flags: &[APP, EVENT],
        body: None,
        paged: false,
        stream: false,
        run: get_event,
    },
    Action {
        resource: "event",
        name: "patch",
        official: "event.patch",
        http: "PATCH /applications/{applicationId}/events/{eventId}",
        about: "Updates information about an event.",
        flags: &[APP, EVENT],
        body: Some(BodySpec {
            required: true,
            help: "Object containing new properties of the event (eventPatch).",
        }),
        paged: false,
        stream: false,
        run: patch_event,
    },
    Action {
        resource: "events",
        name: "delete",
        official: "events.delete",
        http: "POST /applications/{applicationId}/events/delete",
        about: "Delete events.",
        flags: &[APP, EMAIL, CALLBACK],
        body: Some(BodySpec {
            required: false,
            help: "Query to apply to filter the events (advancedEventQuery).",
        }),
        paged: false,
        stream: false,
        run: delete_events,
    },
    Action {
        resource: "events",
        name: "export",
        official: "events.export",
        http: "POST /applications/{applicationId}/events/export",
        about: "Request an export of an application's event data.",
        flags: &[APP],
        body: Some(BodySpec {
            required: true,
            help: "Export options for events (eventsExport).",
        }),
        paged: false,
        stream: false,
        run: export_events,
    },
    Action {
        resource: "events",
        name: "get",
        official: "events.get",
        http: "GET /applications/{applicationId}/events",
        about: "Returns the events for an application.",
        flags: &[
            APP,
            Flag {
                name: "sort-field",
                help: "Field to sort the results by. The API's default: `creationDate`.",
                kind: FlagKind::Text,
                required: false,
                values: &[
                    "subject",
                    "id",
                    "creationDate",
                    "lastUpdated",
                    "level",
                    "state",
                    "deviceId",
                ],
            },
            Flag {
                name: "sort-direction",
                help: "Direction to sort the results by. The API's default: `desc`.",
                kind: FlagKind::Text,
                required: false,
                values: &["asc", "desc"],
            },
            Flag {
                name: "page",
                help: "Which page of results to return. From 0; `--all` walks every page.",
                kind: FlagKind::Page,
                required: false,
                values: &[],
            },
            Flag {
                name: "per-page",
                help: "How many items to return per page. The API's default: `100`.",
                kind: FlagKind::Int,
                required: false,
                values: &[],
            },
            FILTER,
            STATE,
            QUERY,
        ],
        body: None,
        paged: true,
        stream: false,
        run: get_events,
    },
    Action {
        resource: "events",
        name: "most-recent-by-severity",
        official: "events.mostRecentBySeverity",
        http: "GET /applications/{applicationId}/events/mostRecentBySeverity",
        about: "Returns the first new event ordered by severity and then creation.",
        flags: &[APP, FILTER, QUERY],
        body: None,
        paged: false,
        stream: false,
        run: most_recent_by_severity,
    },
    Action {
        resource: "events",
        name: "patch",
        official: "events.patch",
        http: "PATCH /applications/{applicationId}/events",
        about: "Updates information for matching events by subject and, optionally, state.",
        flags: &[APP, FILTER, STATE, QUERY, EMAIL, CALLBACK],
        body: Some(BodySpec {
            required: true,
            help: "Object containing updated information for the events (eventPatch).",
        }),
        paged: false,
        stream: false,
        run: patch_events,
    },
    Action {
        resource: "events",
        name: "post",
        official: "events.post",
        http: "POST /applications/{applicationId}/events",
        about: "Create a new event for an application.",
        flags: &[APP],
        body: Some(BodySpec {
            required: true,
            help: "New event information (eventPost).",
        }),
        paged: false,
        stream: false,
        run: post_event,
    },
];

fn ids(m: &ArgMatches) -> Result<(ApplicationId, EventId), CliError> {
    Ok((m.id("application-id")?, m.id("event-id")?))
}

/// The filters of the flags, decoded as the API's parameters (refused values named).
fn filter(m: &ArgMatches) -> Result<Option<EventsFilter>, CliError> {
    let mut fields = Map::new();
    if let Some(glob) = m.opt_text("filter")? {
        fields.insert("filterField".to_owned(), "subject".into());
        fields.insert("filter".to_owned(), glob.into());
    }
    if let Some(state) = m.opt_text("state")? {
        fields.insert("state".to_owned(), state.into());
    }
    if fields.is_empty() {
        return Ok(None);
    }
    serde_json::from_value(Value::Object(fields))
        .map(Some)
        .map_err(|error| CliError::Refused(format!("the filter flags: {error} (nothing was sent)")))
}

fn get_event<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let (app, event) = ids(m)?;
        cx.print(&cx.api().get_event(&app, &event).await?)
    })
}

fn patch_event<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let (app, event) = ids(m)?;
        let patch: EventPatch = m.body()?;
        cx.print(&cx.api().patch_event(&app, &event, &patch).await?)
    })
}

fn delete_event<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let (app, event) = ids(m)?;
        cx.print(&cx.api().delete_event(&app, &event).await?)
    })
}

fn get_events<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let mut options = Map::new();
        for (flag, field) in [
            ("sort-field", "sortField"),
            ("sort-direction", "sortDirection"),
        ] {
            if let Some(value) = m.opt_text(flag)? {
                options.insert(field.to_owned(), value.into());
            }
        }
        if let Some(per_page) = m.opt_int("per-page")? {
            options.insert("perPage".to_owned(), per_page.into());
        }
        let mut options: EventsQuery =
            serde_json::from_value(Value::Object(options)).map_err(|error| {
                CliError::Refused(format!(
                    "the sort and page flags: {error} (nothing was sent)"
                ))
            })?;
        if let Some(filter) = filter(m)? {
            options.filter = filter;
        }
        let query: Option<EventQuery> = m.opt_json("query")?;
        let page = m.opt_page("page")?;
        let mut call = cx.api().get_events(&app).options(&options);
        if let Some(query) = &query {
            call = call.query(query);
        }
        if let Some(page) = page {
            call = call.page(page);
        }
        if m.all() {
            cx.print_all(call.stream()).await
        } else {
            let page = call.await?;
            cx.print(&page)
        }
    })
}

fn post_event<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let event: EventPost = m.body()?;
        cx.print(&cx.api().post_event(&app, &event).await?)
    })
}

fn patch_events<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let filter = filter(m)?;
        let query: Option<EventQuery> = m.opt_json("query")?;
        let email = m.opt_text("email")?;
        let callback = m.opt_text("callback-url")?;
        let updates: EventPatch = m.body()?;
        let mut call = cx.api().patch_events(&app, &updates);
        if let Some(filter) = &filter {
            call = call.filter(filter);
        }
        if let Some(query) = &query {
            call = call.query(query);
        }
        if let Some(email) = &email {
            call = call.email(email);
        }
        if let Some(callback) = &callback {
            call = call.callback_url(callback);
        }
        match call.await? {
            MaybeJob::Done(done) => cx.print(&done),
            MaybeJob::Queued(job) => cx.job(&job),
        }
    })
}

fn most_recent_by_severity<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let glob = m.opt_text("filter")?;
        let query: Option<EventQuery> = m.opt_json("query")?;
        let mut call = cx.api().most_recent_by_severity(&app);
        if let Some(glob) = &glob {
            call = call.filter(glob);
        }
        if let Some(query) = &query {
            call = call.query(query);
        }
        cx.print(&call.await?)
    })
}

fn delete_events<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let query: Option<EventQuery> = m.opt_body()?;
        let email = m.opt_text("email")?;
        let callback = m.opt_text("callback-url")?;
        let mut call = cx.api().delete_events(&app);
        if let Some(query) = &query {
            call = call.query(query);
        }
        if let Some(email) = &email {
            call = call.email(email);
        }
        if let Some(callback) = &callback {
            call = call.callback_url(callback);
        }
        match call.await? {
            MaybeJob::Done(done) => cx.print(&done),
            MaybeJob::Queued(job) => cx.job(&job),
        }
    })
}

fn export_events<'a>(cx: &'a Cx, m: &'a ArgMatches) -> Run<'a> {
    Box::pin(async move {
        let app: ApplicationId = m.id("application-id")?;
        let export: EventsExport = m.body()?;
        cx.job(&cx.api().export_events(&app, &export).await?)
    })
}
