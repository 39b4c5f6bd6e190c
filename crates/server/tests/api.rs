//! The API over real HTTP, on SQLite and PostgreSQL: registration, search, versioned updates,
//! and refusal of bad input without any change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use nansen_domain::access::Role;
use nansen_server::AppState;
use nansen_store::testing::TestDb;
use nansen_store::Store;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct Server {
    base: String,
    client: reqwest::Client,
    admin: String,
    clerk: String,
    task: tokio::task::JoinHandle<()>,
}

impl Server {
    async fn start(db: &TestDb) -> Self {
        let store = db.open().await;
        let state = AppState::new(store);
        // A clerk who registers, and an administrator who creates operations (once per database).
        let (clerk, admin) = match state.accounts.user_by_name(&nansen_domain::access::Username::parse("clerk.test").unwrap()).await.unwrap() {
            None => (
                support::token_for(&state, "clerk.test", &[Role::RegistrationClerk], None).await,
                support::token_for(&state, "admin.test", &[Role::Administrator], None).await,
            ),
            Some(_) => (support::token_for(&state, &format!("clerk.{}", uuid::Uuid::now_v7().simple()), &[Role::RegistrationClerk], None).await,
                support::token_for(&state, &format!("admin.{}", uuid::Uuid::now_v7().simple()), &[Role::Administrator], None).await),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, nansen_server::app(state)).await;
        });
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::AUTHORIZATION, format!("Bearer {clerk}").parse().unwrap());
        let client = reqwest::Client::builder().default_headers(h).build().unwrap();
        Self { base, client, admin, clerk, task }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let mut r = self.client.post(self.url(path));
        if path == "/api/v1/operations" {
            r = r.header("authorization", format!("Bearer {}", self.admin));
        }
        let r = r.json(body).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn put(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let r = self.client.put(self.url(path)).json(body).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        let s = r.status();
        (s, r.json().await.unwrap_or(Value::Null))
    }

    async fn text(&self, path: &str) -> (StatusCode, String) {
        let r = self.client.get(self.url(path)).send().await.unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn operation(s: &Server) -> String {
    let (st, op) = s.post("/api/v1/operations", &json!({"code": "UGA-KYA", "name": "Kyaka II", "country": "uga", "authority": "state"})).await;
    assert_eq!(st, StatusCode::CREATED, "{op}");
    op["id"].as_str().unwrap().to_string()
}

fn household() -> Value {
    json!({
        "registration_key": "HH-1",
        "arrival_date": "2025-01-15",
        "address": "Zone B, plot 14",
        "members": [
            {"relationship": "PA", "person": {"given_name": "Deng", "family_name": "Garang", "sex": "M", "date_of_birth": "1985",
                "citizenship": "SSD", "languages": ["din"], "documents": [{"kind": "national_id", "number": "ss-778 123", "issuing_country": "SSD"}]}},
            {"relationship": "SPS", "person": {"given_name": "Achol", "family_name": "Deng", "sex": "F", "date_of_birth": "1990-07", "citizenship": "SSD"}}
        ]
    })
}

/// Sends a 10 MB JSON body over a raw socket and reads the status line: the server must answer
/// 413 without reading it all (a client still writing may see the connection closed).
async fn big_body_status(s: &Server, path: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = s.base.trim_start_matches("http://").to_string();
    let mut sock = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let len = 10 * 1024 * 1024;
    let head = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n", s.clerk);
    sock.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b' '; 64 * 1024];
    for _ in 0..(len / chunk.len()) {
        if sock.write_all(&chunk).await.is_err() {
            break; // the server has answered and closed
        }
    }
    let mut buf = Vec::new();
    let _ = sock.read_to_end(&mut buf).await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0)
}

async fn counts(db: &TestDb) -> (i64, i64, i64) {
    let store = db.open().await;
    let op = store.operations().await.unwrap()[0].id;
    let c = store.counts(op).await.unwrap();
    (c.households, c.persons, c.events)
}

async fn register_read_search_update(db: &TestDb) {
    let s = Server::start(db).await;
    let op = operation(&s).await;
    let (st, hh) = s.post(&format!("/api/v1/operations/{op}/households"), &household()).await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    assert_eq!(hh["members"].as_array().unwrap().len(), 2);
    assert!(hh["case_number"].as_str().unwrap().starts_with("UGA-"));
    // the same registration key again: 200 with the same household, nothing written
    let (st, again) = s.post(&format!("/api/v1/operations/{op}/households"), &household()).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(again["id"], hh["id"]);

    let pid = hh["members"][0]["id"].as_str().unwrap().to_string();
    let r = s.client.get(s.url(&format!("/api/v1/persons/{pid}"))).send().await.unwrap();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let (_, found) = s.get("/api/v1/persons?name=GARANG").await;
    assert_eq!(found["total"], 1);
    let (_, found) = s.get("/api/v1/persons?document_number=SS-778123").await;
    assert_eq!(found["total"], 1);
    let cn = hh["case_number"].as_str().unwrap();
    let (_, found) = s.get(&format!("/api/v1/persons?case_number={cn}&limit=1")).await;
    assert_eq!((found["total"].as_i64(), found["items"].as_array().unwrap().len()), (Some(2), 1));
    let (st, bad) = s.get("/api/v1/persons?limit=lots").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["fields"][0]["field"], "limit");

    // two concurrent updates from version 1: one wins, the other gets 409 with the current version
    let mut a = hh["members"][0]["person"].clone();
    a["place_of_birth"] = json!("Bor");
    let mut b = a.clone();
    b["place_of_birth"] = json!("Juba");
    let path = format!("/api/v1/persons/{pid}");
    let (ba, bb) = (json!({"version": 1, "reason": "seen ID", "person": a}), json!({"version": 1, "person": b}));
    let (ra, rb) = futures::join!(s.put(&path, &ba), s.put(&path, &bb));
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
    let conflict = if ra.0 == StatusCode::CONFLICT { &ra.1 } else { &rb.1 };
    assert_eq!(conflict["error"]["code"], "conflict");
    assert_eq!(conflict["error"]["current_version"], 2);
    let (_, hist) = s.get(&format!("/api/v1/persons/{pid}/history")).await;
    assert_eq!(hist.as_array().unwrap().len(), 2);
    assert_eq!(hist[1]["kind"], "person_updated");

    // add a member, change the household
    let hid = hh["id"].as_str().unwrap();
    let (st, m) = s
        .post(&format!("/api/v1/households/{hid}/members"), &json!({"version": 1, "relationship": "CHD", "person": {"given_name": "Garang", "sex": "M", "date_of_birth": "2020", "citizenship": "SSD"}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{m}");
    let (st, h2) = s.put(&format!("/api/v1/households/{hid}"), &json!({"version": 2, "reason": "moved", "household": {"address": "Zone C"}})).await;
    assert_eq!(st, StatusCode::OK, "{h2}");
    assert_eq!((h2["version"].as_i64(), h2["members"].as_array().unwrap().len()), (Some(3), 3));
    let (st, _) = s.put(&format!("/api/v1/households/{hid}"), &json!({"version": 2, "household": {"address": "Zone D"}})).await;
    assert_eq!(st, StatusCode::CONFLICT);

    // pages
    let (st, page) = s.text(&format!("/persons/{pid}")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("Garang") && page.contains("person_updated"), "{page}");
    let (st, page) = s.text("/search?name=deng").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains("2 persons found"), "{page}");
    let (st, _) = s.text("/persons/not-a-uuid").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

async fn bad_input_is_refused_and_changes_nothing(db: &TestDb) {
    let s = Server::start(db).await;
    let op = operation(&s).await;
    let (st, _) = s.post(&format!("/api/v1/operations/{op}/households"), &household()).await;
    assert_eq!(st, StatusCode::CREATED);
    let before = counts(db).await;
    let path = format!("/api/v1/operations/{op}/households");

    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut h = household();
    h["registration_key"] = json!("HH-2");
    let mut c = h.clone();
    c["members"][0]["person"]["citizenship"] = json!("XYZ");
    cases.push((c, "members[0].person.citizenship"));
    let mut c = h.clone();
    c["members"][1]["person"]["date_of_birth"] = json!("2023-02-30");
    cases.push((c, "members[1].person.date_of_birth"));
    let mut c = h.clone();
    c["members"][0]["person"]["given_name"] = json!("<script>alert('x')</script>");
    cases.push((c, "members[0].person.given_name"));
    let mut c = h.clone();
    c["members"][0]["person"]["family_name"] = json!("x'); DROP TABLE persons; --");
    cases.push((c, "members[0].person.family_name"));
    let mut c = h.clone();
    c["members"][1]["relationship"] = json!("PA");
    cases.push((c, "members"));
    for (body, field) in cases {
        let (st, e) = s.post(&path, &body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "validation_failed");
        assert!(e["error"]["fields"].as_array().unwrap().iter().any(|f| f["field"] == field), "{field}: {e}");
    }
    // a wrong type names its path
    let mut c = h.clone();
    c["members"][0]["person"]["sex"] = json!(5);
    let (st, e) = s.post(&path, &c).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert_eq!(e["error"]["fields"][0]["field"], "members[0].person.sex", "{e}");
    // an unknown field is refused, not ignored
    let mut c = h.clone();
    c["members"][0]["person"]["nickname"] = json!("D");
    let (st, e) = s.post(&path, &c).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    // malformed JSON
    let r = s.client.post(s.url(&path)).header("content-type", "application/json").body("{\"members\": [").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["code"], "malformed_json");
    // not JSON
    let r = s.client.post(s.url(&path)).header("content-type", "text/plain").body("hello").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // a 10 MB body
    assert_eq!(big_body_status(&s, &path).await, 413);
    // unknown operation and unknown person
    let (st, _) = s.post("/api/v1/operations/00000000-0000-7000-8000-000000000000/households", &h).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, _) = s.get("/api/v1/persons/00000000-0000-7000-8000-000000000000").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    // no token, or a forged one: nothing is written
    let r = reqwest::Client::new().post(s.url(&path)).json(&h).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let r = reqwest::Client::new().post(s.url(&path)).header("authorization", "Bearer nsn_0000").json(&h).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    assert_eq!(counts(db).await, before, "a refused request changed the database");
}

async fn restart_keeps_the_data(db: &TestDb) {
    let pid = {
        let s = Server::start(db).await;
        let op = operation(&s).await;
        let (_, hh) = s.post(&format!("/api/v1/operations/{op}/persons"), &json!({"given_name": "Kim", "family_name": "Sun", "given_name_original": "선", "family_name_original": "김", "sex": "F", "citizenship": "PRK"})).await;
        hh["members"][0]["id"].as_str().unwrap().to_string()
    };
    let s = Server::start(db).await;
    let (st, p) = s.get(&format!("/api/v1/persons/{pid}")).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(p["person"]["family_name_original"], "김");
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
on_both!(register_read_search_update, bad_input_is_refused_and_changes_nothing, restart_keeps_the_data);

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let db = TestDb::sqlite().await;
    let s = Server::start(&db).await;
    let (st, doc) = s.get("/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in ["/api/v1/persons", "/api/v1/persons/{id}", "/api/v1/operations/{operation_id}/households", "/healthz"] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert!(doc["components"]["schemas"]["PersonInput"].is_object());
    let r = s.client.get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
}
