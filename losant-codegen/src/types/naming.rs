//! Naming and deduplication: which subtrees are one type (their structure without
//! documentation), what each type is called (the best of the places it was met,
//! free of collisions), and the ID kind a field's name says.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::{EnumId, Origin, StructDef, StructId, Ty, Types};
use crate::names::{item_name, join_names, pascal};

/// The ID kinds and the field names that say them: the 39 kinds of the API's path
/// parameters, plus the names that mean one of them (`gatewayId` is a device).
/// Longest stems first, so `resourceJobId` is a resource job, not a job.
const ID_STEMS: &[(&str, &str)] = &[
    (
        "ApplicationCertificateAuthority",
        "ApplicationCertificateAuthorityId",
    ),
    ("ApplicationCertificate", "ApplicationCertificateId"),
    ("InstanceNotificationRule", "NotificationRuleId"),
    ("InstanceCustomNode", "InstanceCustomNodeId"),
    ("ApplicationTemplate", "ApplicationTemplateId"),
    ("EmbeddedDeployment", "EmbeddedDeploymentId"),
    ("ExperienceEndpoint", "ExperienceEndpointId"),
    ("NotificationRule", "NotificationRuleId"),
    ("InstanceAuditLog", "InstanceAuditLogId"),
    ("ExperienceDomain", "ExperienceDomainId"),
    ("EdgeDeployment", "EdgeDeploymentId"),
    ("ApplicationKey", "ApplicationKeyId"),
    ("ExperienceGroup", "ExperienceGroupId"),
    ("ExperienceSlug", "ExperienceSlugId"),
    ("ExperienceUser", "ExperienceUserId"),
    ("ExperienceView", "ExperienceViewId"),
    ("InstanceSandbox", "InstanceSandboxId"),
    ("DataTableRow", "DataTableRowId"),
    ("DeviceRecipe", "DeviceRecipeId"),
    ("Organization", "OrganizationId"),
    ("Integration", "IntegrationId"),
    ("PrivateFile", "PrivateFileId"),
    ("ResourceJob", "ResourceJobId"),
    ("Application", "ApplicationId"),
    ("OauthToken", "OauthTokenId"),
    ("Credential", "CredentialId"),
    ("Dashboard", "DashboardId"),
    ("DataTable", "DataTableId"),
    ("ApiToken", "ApiTokenId"),
    ("AuditLog", "AuditLogId"),
    ("Notebook", "NotebookId"),
    ("Instance", "InstanceId"),
    ("Webhook", "WebhookId"),
    ("Gateway", "DeviceId"),
    ("Device", "DeviceId"),
    ("Event", "EventId"),
    ("Flow", "FlowId"),
    ("File", "FileId"),
    ("User", "UserId"),
    ("Org", "OrganizationId"),
];

/// The 39 ID kinds of the API by the path parameter that carries them.
pub const PATH_ID_KINDS: &[(&str, &str)] = &[
    ("apiTokenId", "ApiTokenId"),
    (
        "applicationCertificateAuthorityId",
        "ApplicationCertificateAuthorityId",
    ),
    ("applicationCertificateId", "ApplicationCertificateId"),
    ("applicationId", "ApplicationId"),
    ("applicationKeyId", "ApplicationKeyId"),
    ("auditLogId", "AuditLogId"),
    ("credentialId", "CredentialId"),
    ("dashboardId", "DashboardId"),
    ("dataTableId", "DataTableId"),
    ("deviceId", "DeviceId"),
    ("deviceRecipeId", "DeviceRecipeId"),
    ("edgeDeploymentId", "EdgeDeploymentId"),
    ("embeddedDeploymentId", "EmbeddedDeploymentId"),
    ("eventId", "EventId"),
    ("experienceDomainId", "ExperienceDomainId"),
    ("experienceEndpointId", "ExperienceEndpointId"),
    ("experienceGroupId", "ExperienceGroupId"),
    ("experienceSlugId", "ExperienceSlugId"),
    ("experienceUserId", "ExperienceUserId"),
    ("experienceViewId", "ExperienceViewId"),
    ("fileId", "FileId"),
    ("flowId", "FlowId"),
    ("instanceAuditLogId", "InstanceAuditLogId"),
    ("instanceCustomNodeId", "InstanceCustomNodeId"),
    ("instanceId", "InstanceId"),
    ("instanceSandboxId", "InstanceSandboxId"),
    ("integrationId", "IntegrationId"),
    ("inviteId", "InviteId"),
    ("jobId", "JobId"),
    ("notebookId", "NotebookId"),
    ("notificationRuleId", "NotificationRuleId"),
    ("oauthTokenId", "OauthTokenId"),
    ("orgId", "OrganizationId"),
    ("privateFileId", "PrivateFileId"),
    ("resourceJobId", "ResourceJobId"),
    ("rowId", "DataTableRowId"),
    ("templateId", "ApplicationTemplateId"),
    ("userId", "UserId"),
    ("webhookId", "WebhookId"),
];

/// Every ID type's name (`DeviceId`, ..., `ResourceId`).
pub fn id_kinds() -> impl Iterator<Item = &'static str> {
    ID_STEMS
        .iter()
        .chain(PATH_ID_KINDS)
        .map(|(_, kind)| *kind)
        .chain(["ResourceId"])
}

/// The ID type of a field holding 24 hexadecimal digits: the kind its name ends with
/// (`sourceApplicationId`, `experienceGroupIds`), `own` for `id`, `ResourceId` when
/// the name does not say (`createdById`, `resourceId`, `parentId`).
#[must_use]
pub fn id_kind(field: &str, own: Option<&'static str>) -> &'static str {
    if field == "id" || field == "_id" {
        return own.unwrap_or("ResourceId");
    }
    if let Some((_, kind)) = PATH_ID_KINDS.iter().find(|(name, _)| *name == field) {
        return kind;
    }
    let stem = field
        .strip_suffix("Ids")
        .or_else(|| field.strip_suffix("Id"))
        .map(pascal);
    stem.and_then(|stem| {
        ID_STEMS
            .iter()
            .find(|(kind_stem, _)| stem.ends_with(kind_stem))
            .map(|(_, kind)| *kind)
    })
    .unwrap_or("ResourceId")
}

/// The fields whose string is a secret (a token, a key's secret, a password, a
/// private key): `losant_core::Secret`, never shown by `Debug`.
const SECRET_FIELDS: &[&str] = &[
    "accessToken",
    "apiKey",
    "apiKeySecret",
    "basicAuthPassword",
    "cardToken",
    "client_secret",
    "customerToken",
    "hsToken",
    "inviteToken",
    "newPassword",
    "password",
    "privateKey",
    "secret",
    "secretAccessKey",
    "secretValue",
    "token",
    "twoFactorAuthKey",
    "twoFactorCode",
];

/// Whether a string field of this name holds a secret.
#[must_use]
pub(super) fn is_secret(field: &str) -> bool {
    SECRET_FIELDS.contains(&field)
}

/// The keys of a schema that document it without changing the type it makes.
const DOCUMENTATION_KEYS: &[&str] = &["$schema", "title", "description"];

/// A schema without its documentation, as text: two schemas that differ only in
/// titles and descriptions make the same type, so they are one struct.
pub(super) fn structure_key(node: &Map<String, Value>) -> String {
    fn strip(schema: &Value) -> Value {
        let Value::Object(node) = schema else {
            return schema.clone();
        };
        node.iter()
            .filter(|(key, _)| !DOCUMENTATION_KEYS.contains(&key.as_str()))
            .map(|(key, value)| {
                let value = match (key.as_str(), value) {
                    // Maps from a name (which may be `title`) to a schema.
                    ("properties" | "patternProperties", Value::Object(named)) => Value::Object(
                        named
                            .iter()
                            .map(|(name, schema)| (name.clone(), strip(schema)))
                            .collect(),
                    ),
                    ("oneOf" | "anyOf" | "allOf", Value::Array(schemas)) => {
                        Value::Array(schemas.iter().map(strip).collect())
                    }
                    ("items" | "additionalProperties", schema) => strip(schema),
                    (_, value) => value.clone(),
                };
                (key.clone(), value)
            })
            .collect::<Map<String, Value>>()
            .into()
    }
    strip(&Value::Object(node.clone())).to_string()
}

impl StructDef {
    /// Records names the struct could take, each with the place it was met under it.
    pub(super) fn add_names(&mut self, names: [Option<(u8, usize, String)>; 3], origin: &Origin) {
        for candidate in names.into_iter().flatten() {
            self.origins
                .entry(candidate.2.clone())
                .or_insert_with(|| origin.clone());
            self.candidates.insert(candidate);
        }
    }
}

impl Types {
    /// Names each union after the field holding it in its parent's final name
    /// (`FlowCustomNodeConfig` + `fields` is `FlowCustomNodeConfigField`), or after
    /// the shortest place it was met, and its variants' structs after it
    /// (`FlowCustomNodeConfigFieldCheckbox`) when those names are free.
    fn name_unions(&mut self, taken: &mut BTreeSet<String>) {
        // A struct several unions hold is named by the first.
        let mut renamed = BTreeSet::new();
        for id in 0..self.unions.len() {
            let union = &self.unions[id];
            let by_parent = match &union.origin {
                Origin::Field {
                    parent,
                    field,
                    item,
                } => {
                    let child = if *item {
                        item_name(field)
                    } else {
                        pascal(field)
                    };
                    Some(join_names(&self.structs[*parent].name, &child))
                }
                _ => None,
            };
            let base = by_parent
                .or_else(|| union.candidates.first().map(|(_, name)| name.clone()))
                .unwrap_or_default();
            let mut name = base.clone();
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}{n}");
                n += 1;
            }
            let variants = &self.unions[id].variants;
            for (value, shape) in variants {
                let Ty::Struct(variant) = shape.ty else {
                    continue;
                };
                // A struct for two kinds is named after both (`DeviceIdOrDeviceTag`),
                // one for more is the generic form.
                let kinds: Vec<&String> = variants
                    .iter()
                    .filter(|(_, other)| *other == *shape)
                    .map(|(kind, _)| kind)
                    .collect();
                let wanted = match kinds[..] {
                    [_] => format!("{name}{}", pascal(value)),
                    [a, b] => format!("{name}{}Or{}", pascal(a), pascal(b)),
                    _ => format!("{name}Generic"),
                };
                if self.structs[variant].name == wanted || !renamed.insert(variant) {
                    continue;
                }
                if !taken.contains(&wanted) {
                    taken.remove(&self.structs[variant].name);
                    taken.insert(wanted.clone());
                    self.structs[variant].name = wanted;
                }
            }
            self.unions[id].name = name;
        }
    }

    /// Gives every type its final name: a struct the best of the names it was met
    /// under (a schema's own name first, then the shortest), an enum its field's
    /// name when no other enum wants it, else the shortest qualified one. A name
    /// already taken, or in `reserved`, goes to the next candidate, then gets a
    /// number.
    pub fn assign_names(&mut self, reserved: &BTreeSet<&str>) {
        let mut taken: BTreeSet<String> = reserved.iter().map(|s| (*s).to_owned()).collect();
        // The queries' names come from their schemas; the structs and enums yield.
        taken.extend(
            self.queries
                .iter()
                .flat_map(|query| [Some(query.name.clone()), query.field_enum()])
                .flatten(),
        );
        let mut order: Vec<StructId> = (0..self.structs.len()).collect();
        order.sort_by(|&a, &b| {
            self.structs[a]
                .candidates
                .first()
                .cmp(&self.structs[b].candidates.first())
        });
        for id in order {
            let names: Vec<String> = self.structs[id]
                .candidates
                .iter()
                .map(|(_, _, name)| name.clone())
                .collect();
            let name = pick(&names, &mut taken);
            let def = &mut self.structs[id];
            if let Some(origin) = def.origins.get(&name) {
                def.origin = origin.clone();
            }
            def.name = name;
        }
        self.name_unions(&mut taken);
        // A field name (`SortField`) goes to the enum that field holds most often, when
        // one holds it more often than any other: the list of values most families
        // share gets the neutral name, the others keep their qualified one.
        let mut wanted: HashMap<&str, Vec<usize>> = HashMap::new();
        for def in &self.enums {
            for (short, &uses) in &def.short {
                wanted.entry(short.as_str()).or_default().push(uses);
            }
        }
        let wins = |short: &str, uses: usize| {
            let counts = &wanted[short];
            counts.iter().filter(|&&other| other >= uses).count() == 1
        };
        let shorts: Vec<Option<String>> = self
            .enums
            .iter()
            .map(|def| {
                // The field name this enum wins, the most used one first.
                def.short
                    .iter()
                    .filter(|(short, uses)| wins(short, **uses))
                    .max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.cmp(a)))
                    .map(|(short, _)| short.clone())
            })
            .collect();
        let mut order: Vec<EnumId> = (0..self.enums.len()).collect();
        order.sort_by(|&a, &b| {
            self.enums[a]
                .qualified
                .first()
                .cmp(&self.enums[b].qualified.first())
        });
        for id in order {
            let mut names: Vec<String> = shorts[id].iter().cloned().collect();
            names.extend(
                self.enums[id]
                    .qualified
                    .iter()
                    .map(|(_, name)| name.clone()),
            );
            let name = pick(&names, &mut taken);
            let def = &mut self.enums[id];
            if let Some(origin) = def.origins.get(&name) {
                def.origin = origin.clone();
            }
            def.name = name;
        }
    }
}

/// The first free name of `names`, or the first with the smallest free number.
fn pick(names: &[String], taken: &mut BTreeSet<String>) -> String {
    let name = names
        .iter()
        .find(|name| !taken.contains(name.as_str()))
        .cloned()
        .unwrap_or_else(|| {
            let base = &names[0];
            // As many numbers as names taken: one of them is free.
            (2..=taken.len() + 2)
                .map(|n| format!("{base}{n}"))
                .find(|name| !taken.contains(name))
                .unwrap_or_default()
        });
    taken.insert(name.clone());
    name
}
