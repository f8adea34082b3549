//! redis-cli and valkey-cli: the command on the command line, judged by an allowlist of read
//! commands (`GET`, `SCAN`, `INFO`, …); destructive ones (`FLUSHALL`, `CONFIG SET`, …) are
//! denied, scripts (`EVAL`) and anything unknown ask.

use super::{split_options, Client, Input};
use crate::assess::Assessment;
use crate::decision::{Decision, Risk};
use crate::shell::{Cmd, Ctx};

/// The redis-cli client.
pub(super) struct Redis;

impl Client for Redis {
    fn names(&self) -> &'static [&'static str] {
        &["redis-cli", "valkey-cli"]
    }

    fn sources(&self, _ctx: &mut Ctx, cmd: &Cmd, a: &mut Assessment) -> Option<Input> {
        redis(cmd, a);
        None
    }

    fn judge_text(&self, _ctx: &mut Ctx, _input: &Input, _text: &str) {}
}

const REDIS_READ: [&str; 78] = [
    "GET",
    "MGET",
    "EXISTS",
    "TTL",
    "PTTL",
    "TYPE",
    "STRLEN",
    "GETRANGE",
    "HGET",
    "HMGET",
    "HGETALL",
    "HKEYS",
    "HVALS",
    "HLEN",
    "HEXISTS",
    "HSTRLEN",
    "HSCAN",
    "LRANGE",
    "LLEN",
    "LINDEX",
    "LPOS",
    "SMEMBERS",
    "SCARD",
    "SISMEMBER",
    "SMISMEMBER",
    "SSCAN",
    "SRANDMEMBER",
    "SINTER",
    "SUNION",
    "SDIFF",
    "ZRANGE",
    "ZRANGEBYSCORE",
    "ZREVRANGE",
    "ZREVRANGEBYSCORE",
    "ZRANGEBYLEX",
    "ZCARD",
    "ZSCORE",
    "ZMSCORE",
    "ZRANK",
    "ZREVRANK",
    "ZCOUNT",
    "ZLEXCOUNT",
    "ZSCAN",
    "XRANGE",
    "XREVRANGE",
    "XLEN",
    "XINFO",
    "PING",
    "ECHO",
    "INFO",
    "DBSIZE",
    "SCAN",
    "KEYS",
    "RANDOMKEY",
    "OBJECT",
    "TIME",
    "LASTSAVE",
    "ROLE",
    "COMMAND",
    "GETBIT",
    "BITCOUNT",
    "BITPOS",
    "PFCOUNT",
    "GEOPOS",
    "GEODIST",
    "GEOHASH",
    "GEOSEARCH",
    "GEORADIUS_RO",
    "HELLO",
    "SELECT",
    "JSON.GET",
    "FT.SEARCH",
    "FT.INFO",
    "TS.RANGE",
    "TS.GET",
    "SUBSTR",
    "DUMP",
    "LOLWUT",
];
const REDIS_DENY: [&str; 26] = [
    "FLUSHALL",
    "FLUSHDB",
    "SHUTDOWN",
    "DEBUG",
    "SLAVEOF",
    "REPLICAOF",
    "MIGRATE",
    "RESTORE",
    "BGREWRITEAOF",
    "BGSAVE",
    "SAVE",
    "SWAPDB",
    "FAILOVER",
    "DEL",
    "UNLINK",
    "EVAL",
    "EVALSHA",
    "EVAL_RO",
    "EVALSHA_RO",
    "FCALL",
    "FCALL_RO",
    "SCRIPT",
    "FUNCTION",
    "MODULE",
    "SYNC",
    "PSYNC",
];

fn redis(cmd: &Cmd, a: &mut Assessment) {
    let (opts, pos) = split_options(
        &cmd.argv[1..],
        "hpsanurideD",
        &[
            "user",
            "pass",
            "pattern",
            "count",
            "eval",
            "rdb",
            "functions-rdb",
            "tls",
            "sni",
            "cacert",
            "cacertdir",
            "cert",
            "key",
            "cluster",
            "quoted-pattern",
            "memkeys-samples",
            "replica",
            "askpass",
            "verbose",
        ],
    );
    for o in &opts {
        match o.name.as_str() {
            "eval" => {
                a.concern(Decision::Ask, Risk::High, "redis.eval", "runs a Lua script");
            }
            "rdb" | "functions-rdb" => {
                a.ask("redis.rdb", "writes a dump file");
            }
            "pipe" => {
                a.deny(Risk::High, "redis.pipe", "mass-inserts commands from input");
            }
            "replica" => {
                a.ask("redis.replica", "acts as a replica");
            }
            _ => {}
        }
    }
    let read_modes = [
        "bigkeys",
        "memkeys",
        "hotkeys",
        "scan",
        "stat",
        "latency",
        "latency-history",
        "latency-dist",
        "intrinsic-latency",
        "keystats",
    ];
    if pos.is_empty() {
        if opts.iter().any(|o| read_modes.contains(&o.name.as_str())) {
            a.read_only("redis.read-mode", "reads statistics");
        } else if !opts.iter().any(|o| o.name == "eval") {
            a.concern(
                Decision::Ask,
                Risk::Medium,
                "redis.interactive",
                "reads commands from standard input",
            );
        }
        return;
    }
    let command = pos[0].text.to_ascii_uppercase();
    let sub = pos
        .get(1)
        .map(|x| x.text.to_ascii_uppercase())
        .unwrap_or_default();
    let read = REDIS_READ.contains(&command.as_str())
        || (command == "CONFIG" && sub == "GET")
        || (command == "CLIENT" && matches!(sub.as_str(), "LIST" | "INFO" | "GETNAME" | "ID"))
        || (command == "SLOWLOG" && matches!(sub.as_str(), "GET" | "LEN"))
        || (command == "MEMORY" && matches!(sub.as_str(), "USAGE" | "STATS" | "DOCTOR"))
        || (command == "LATENCY" && matches!(sub.as_str(), "LATEST" | "HISTORY" | "DOCTOR"))
        || (command == "CLUSTER"
            && matches!(sub.as_str(), "INFO" | "NODES" | "SLOTS" | "SHARDS" | "MYID"))
        || (command == "ACL" && matches!(sub.as_str(), "LIST" | "WHOAMI" | "USERS" | "CAT"))
        || (command == "MODULE" && sub == "LIST")
        || (command == "SCRIPT" && sub == "EXISTS")
        || (command == "FUNCTION" && sub == "LIST");
    if read {
        a.read_only(
            format!("redis.{}", command.to_ascii_lowercase()),
            "reads keys or server state",
        );
    } else if REDIS_DENY.contains(&command.as_str())
        || matches!(command.as_str(), "CONFIG" | "CLIENT" | "CLUSTER" | "ACL")
    {
        a.deny(
            Risk::High,
            format!("redis.{}", command.to_ascii_lowercase()).as_str(),
            "deletes data, runs scripts or administers the server",
        );
    } else {
        a.concern(
            Decision::Ask,
            Risk::Medium,
            format!("redis.{}", command.to_ascii_lowercase()),
            "writes keys",
        );
    }
}
