//! `xldb-codex store init`: create or migrate the fleet store's schema, and print the GRANTs
//! for the host and approver roles.

use crate::exit::{Exit, UsageError};
use crate::fleet::{runtime, StoreArgs};

/// Arguments of `xldb-codex store`.
#[derive(Debug, clap::Args)]
pub struct StoreCmdArgs {
    #[command(subcommand)]
    command: StoreCommand,
}

#[derive(Debug, clap::Subcommand)]
enum StoreCommand {
    /// Create or migrate the schema `xldb_codex` (idempotent; safe from several hosts at
    /// once), then print the SQL granting the host and approver roles their privileges.
    Init(InitArgs),
}

#[derive(Debug, clap::Args)]
struct InitArgs {
    #[command(flatten)]
    store: StoreArgs,
    /// The role the proxy hosts log in as.
    #[arg(long, default_value = "xldb_codex_host", value_name = "ROLE")]
    host_role: String,
    /// The role approvers log in as.
    #[arg(long, default_value = "xldb_codex_approver", value_name = "ROLE")]
    approver_role: String,
}

/// Run `xldb-codex store …`.
pub fn run(args: StoreCmdArgs) -> anyhow::Result<Exit> {
    match args.command {
        StoreCommand::Init(a) => init(a),
    }
}

fn init(a: InitArgs) -> anyhow::Result<Exit> {
    let roles = xldb_store::Roles {
        host: a.host_role,
        approver: a.approver_role,
    };
    let grants = xldb_store::grants_sql(&roles).map_err(|e| UsageError(e.to_string()))?;
    let url = a.store.url()?;
    let store = xldb_store::Store::new(url.expose()).map_err(|e| UsageError(e.to_string()))?;
    let migrated = runtime()?.block_on(xldb_store::migrate(&store))?;
    if migrated.from == migrated.to {
        eprintln!(
            "store {} is at schema version {} already",
            store.url(),
            migrated.to
        );
    } else {
        eprintln!(
            "store {}: schema version {} → {}",
            store.url(),
            migrated.from,
            migrated.to
        );
    }
    eprintln!("grant the roles their privileges with the SQL below (as the schema's owner):");
    print!("{grants}");
    Ok(Exit::Ok)
}
