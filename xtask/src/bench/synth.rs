//! Synthetic specs of a chosen size for the codegen benchmarks.
//!
//! Operations cycle through five shapes modelled on real Live API actions, so a spec of
//! N operations exercises what the real one will once it grows: shared and inline enums,
//! `repeatList` and JSON parameters, optional bounded integers, numbers and booleans,
//! nested outputs with lists of objects, and 2–6 documented errors with three HTTP
//! statuses. Every document is valid OpenAPI 3.1 and passes livegen's validator (the
//! benchmark checks both before timing anything).

use std::fmt::Write as _;

const NOUNS: &[&str] = &[
    "Domain",
    "Stream",
    "Snapshot",
    "Record",
    "Transcode",
    "PullToPush",
    "Cert",
    "Callback",
    "Template",
    "Channel",
    "Caster",
    "Watermark",
    "Delay",
    "Audit",
    "Mix",
    "Shift",
    "Package",
    "Rtc",
    "Edge",
    "Bandwidth",
];

const VARIANTS: &[&str] = &[
    "", "Config", "Detail", "Status", "Rule", "Task", "Stats", "Info", "Quota", "Policy",
];

/// Error codes in the style of the Live API documentation: (code, HTTP status, message).
const ERRORS: &[(&str, u16, &str)] = &[
    ("InvalidParameter", 400, "%s."),
    (
        "MissingParameter",
        400,
        "The input parameter %s that is mandatory is not supplied.",
    ),
    ("InvalidDomain.NotFound", 404, "The domain does not exist."),
    ("InvalidStream.NotFound", 404, "The stream does not exist."),
    ("InvalidTaskId.Malformed", 400, "The task id is malformed."),
    ("QuotaExceeded.Stream", 400, "The stream quota is exceeded."),
    (
        "Forbidden.Operation",
        403,
        "You are not authorized to operate on this resource.",
    ),
    (
        "InvalidStartTime.ValueNotSupported",
        400,
        "The start time is not supported.",
    ),
    (
        "LiveServiceNotFound",
        400,
        "Your account does not open Live service yet",
    ),
    ("InternalError", 500, "%s."),
];

/// The document around the operations, a template (see its `##` lines).
const FRAME: &str = include_str!("synth/frame.yaml");

/// Writes an OpenAPI 3.1 document with `ops` operations.
pub fn spec(ops: usize) -> String {
    let mut paths = String::with_capacity(ops * 4096);
    let mut schemas = String::new();
    for i in 0..ops {
        operation(&mut paths, &mut schemas, i);
    }
    let frame: String = FRAME
        .lines()
        .filter(|l| !l.starts_with("##"))
        .map(|l| format!("{l}\n"))
        .collect();
    frame
        .replace("OPS", &ops.to_string())
        .replace("PATHS\n", &paths)
        .replace("SCHEMAS\n", &schemas)
}

fn operation(y: &mut String, schemas: &mut String, i: usize) {
    let shape = i % 5;
    let combo = i / 5;
    let noun = NOUNS[combo % NOUNS.len()];
    let variant = VARIANTS[(combo / NOUNS.len()) % VARIANTS.len()];
    let round = combo / (NOUNS.len() * VARIANTS.len());
    let suffix = if round == 0 {
        String::new()
    } else {
        format!("V{}", round + 1)
    };
    let verb = ["Describe", "Add", "Update", "Delete", "Query"][shape];
    let action = format!("{verb}Live{noun}{variant}{suffix}");
    let access = ["list", "create", "update", "delete", "get"][shape];
    let summary = match shape {
        0 => format!(
            "Lists {} {} entries.",
            noun.to_lowercase(),
            variant.to_lowercase()
        ),
        1 => format!("Adds a {} {}.", noun.to_lowercase(), variant.to_lowercase()),
        2 => format!(
            "Changes a {} {}.",
            noun.to_lowercase(),
            variant.to_lowercase()
        ),
        3 => format!(
            "Deletes a {} {}.",
            noun.to_lowercase(),
            variant.to_lowercase()
        ),
        _ => format!(
            "Queries {} {} data.",
            noun.to_lowercase(),
            variant.to_lowercase()
        ),
    }
    .replace(" .", ".");

    // 2–6 errors, always including one 500 so every operation lists three statuses.
    let n_errors = 2 + i % 5;
    let mut errors: Vec<(&str, u16, &str)> = (0..n_errors - 1)
        .map(|k| ERRORS[(i * 3 + k) % (ERRORS.len() - 1)])
        .collect();
    errors.push(ERRORS[ERRORS.len() - 1]);
    let mut statuses: Vec<u16> = errors.iter().map(|e| e.1).collect();
    statuses.sort_unstable();
    statuses.dedup();

    let _ = write!(
        y,
        "  /{action}:
    get:
      operationId: {action}
      summary: {summary}
      description: |-
        You can call this operation to {verb_l} {noun_l} resources of ApsaraVideo Live.

        Synthetic operation {i}; its shape is modelled on real Live API actions.
      x-acs-rpc:
        action: {action}
        path: /
        methods: [{methods}]
",
        verb_l = verb.to_lowercase(),
        noun_l = noun.to_lowercase(),
        methods = if shape == 0 || shape == 4 {
            "GET, POST"
        } else {
            "POST, GET"
        },
    );
    match i % 3 {
        0 => y.push_str(
            "      x-acs-qps:\n        limit: 10\n        per: second\n        scope: account\n        onExceed: drop\n",
        ),
        1 => y.push_str(
            "      x-acs-qps:\n        limit: 1000\n        per: minute\n        scope: api\n        onExceed: throttle\n",
        ),
        _ => {}
    }
    let _ = write!(
        y,
        "      x-acs-ram:
        action: live:{action}
        accessLevel: {access}
        resources: ['acs:live:*:{{#accountId}}:domain/{{#DomainName}}']
        conditionKeys: []
        dependentActions: []
      parameters:
        - name: RegionId
          in: query
          required: {region_required}
          description: The region of the live center.
          schema:
            $ref: '#/components/schemas/Region'
          example: cn-shanghai
        - name: DomainName
          in: query
          required: true
          description: The main streaming domain.
          schema:
            type: string
          example: example.com
",
        region_required = shape != 4,
    );
    match shape {
        0 => y.push_str(
            "        - name: StreamName
          in: query
          required: false
          description: The name of the live stream; all streams when omitted.
          schema:
            type: string
        - name: Status
          in: query
          required: false
          description: Only entries in this state.
          schema:
            $ref: '#/components/schemas/StreamStatus'
        - name: PageNumber
          in: query
          required: false
          description: The page to return, starting at 1.
          schema:
            type: integer
            format: int32
            minimum: 1
        - name: PageSize
          in: query
          required: false
          description: Entries per page.
          schema:
            type: integer
            format: int32
            minimum: 1
            maximum: 100
        - name: TaskIds
          in: query
          required: false
          description: Only these tasks.
          x-acs-style: repeatList
          schema:
            type: array
            items:
              type: string
",
        ),
        1 => y.push_str(
            "        - name: AppName
          in: query
          required: true
          description: The name of the application.
          schema:
            type: string
        - name: Tags
          in: query
          required: false
          description: Tags to attach, as a JSON array.
          x-acs-style: json
          schema:
            type: array
            items:
              $ref: '#/components/schemas/Tag'
        - name: Settings
          in: query
          required: false
          description: Advanced settings, as a JSON object.
          x-acs-style: json
          schema:
            type: object
            properties:
              Height:
                type: integer
                format: int32
              Width:
                type: integer
                format: int32
              Fps:
                type: number
        - name: Enable
          in: query
          required: false
          description: Whether the new resource starts enabled.
          schema:
            type: boolean
        - name: Bitrate
          in: query
          required: false
          description: The target bitrate in kbit/s.
          schema:
            type: number
",
        ),
        2 => y.push_str(
            "        - name: Mode
          in: query
          required: true
          description: How the change is applied.
          schema:
            type: string
            enum: [immediate, scheduled, on-next-stream]
        - name: Interval
          in: query
          required: false
          description: The interval in seconds.
          schema:
            type: integer
            format: int64
            minimum: 5
            maximum: 86400
        - name: CallbackUrls
          in: query
          required: false
          description: Callback addresses.
          x-acs-style: repeatList
          schema:
            type: array
            items:
              type: string
",
        ),
        3 => y.push_str(
            "        - name: TaskId
          in: query
          required: true
          description: The ID of the task to delete.
          schema:
            type: string
          example: 3bb44350-0c34-49c7-8c5e-cba5e6c0****
",
        ),
        _ => y.push_str(
            "        - name: StartTime
          in: query
          required: true
          description: The beginning of the time range, UTC, `yyyy-MM-ddTHH:mm:ssZ`.
          schema:
            type: string
        - name: EndTime
          in: query
          required: false
          description: The end of the time range; now when omitted.
          schema:
            type: string
        - name: Interval
          in: query
          required: false
          description: The granularity in seconds.
          schema:
            type: integer
            format: int32
            minimum: 60
            maximum: 86400
",
        ),
    }
    let _ = write!(
        y,
        "      responses:
        '200':
          description: Success.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/{action}Response'
"
    );
    for status in &statuses {
        let _ = writeln!(
            y,
            "        '{status}':\n          $ref: '#/components/responses/Error'"
        );
    }
    y.push_str("      x-acs-errors:\n");
    for (code, status, message) in &errors {
        let _ = write!(
            y,
            "        - code: {code}\n          httpStatus: {status}\n          message: '{message}'\n          description: {code} ({status}).\n"
        );
    }
    response_schema(schemas, &action, shape);
}

fn response_schema(s: &mut String, action: &str, shape: usize) {
    let _ = write!(
        s,
        "    {action}Response:
      type: object
      description: The result of `{action}`.
      required: [RequestId]
      properties:
        RequestId:
          type: string
          description: The request ID.
"
    );
    match shape {
        0 => s.push_str(
            "        TotalCount:
          type: integer
          format: int64
          description: The number of entries on all pages.
        PageNumber:
          type: integer
          format: int32
          description: The page returned.
        Entries:
          type: object
          description: The entries on this page.
          properties:
            Entry:
              type: array
              description: One entry per resource.
              items:
                type: object
                properties:
                  Id:
                    type: string
                    description: The resource ID.
                  Status:
                    $ref: '#/components/schemas/StreamStatus'
                  CreateTime:
                    type: string
                    description: When the resource was created.
                  Tags:
                    type: array
                    description: The resource's tags.
                    items:
                      $ref: '#/components/schemas/Tag'
                  Source:
                    type: object
                    description: Where the stream comes from.
                    properties:
                      Url:
                        type: string
                        description: The source URL.
                      Retries:
                        type: integer
                        format: int32
                        description: Retries so far.
",
        ),
        1 => s.push_str(
            "        Id:
          type: string
          description: The ID of the new resource.
",
        ),
        2 => s.push_str(
            "        Changed:
          type: boolean
          description: Whether anything changed.
        Status:
          $ref: '#/components/schemas/StreamStatus'
",
        ),
        3 => {}
        _ => s.push_str(
            "        DataInterval:
          type: integer
          format: int32
          description: The granularity of the data in seconds.
        Data:
          type: object
          description: The data points.
          properties:
            DataModule:
              type: array
              description: One point per interval.
              items:
                type: object
                properties:
                  TimeStamp:
                    type: string
                    description: The start of the interval.
                  Value:
                    type: number
                    description: The measured value.
                  PeakValue:
                    type: number
                    description: The peak within the interval.
",
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn synthetic_specs_pass_the_generator() {
        for ops in [1, 7, 120] {
            let text = super::spec(ops);
            let files = livegen_generator::generate("synthetic.yaml", &text)
                .unwrap_or_else(|e| panic!("{ops} operations: {e}"));
            let operations = files
                .keys()
                .filter(|p| p.starts_with("src/operations/"))
                .count();
            assert_eq!(operations, ops, "one file per operation");
        }
    }
}
