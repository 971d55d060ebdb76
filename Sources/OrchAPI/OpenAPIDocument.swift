/// The OpenAPI 3 document of the orch API, served at `/api/v1/openapi.json`. Hand-written (kept as JSON here so
/// the binary needs no resource files); `OpenAPITests` checks that it lists every route and that real responses carry
/// the fields it documents as required.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.0.3",
 "info": {
  "title": "orch API",
  "version": "1.0.0",
  "description": "The orch workflow orchestrator: DAGs, runs, task tries, logs, alerts, quality checks. Reads are open when the server is bound to loopback (bound elsewhere, reads need the token too, except /health); every request that changes state needs `Authorization: Bearer <token>`: the admin token (ORCH_HOME/api-token or ORCH_API_TOKEN) or a named token from `orch tokens create --role viewer|operator|admin`. Viewers read; operators also trigger, clear, mark, pause and read /audit; admins also manage /tokens. A token whose role is too low gets 403. Every successful change is written to the audit log. Requests whose Host header is not the bound address, a loopback name or a configured name (--allowed-hosts, ORCH_ALLOWED_HOSTS) get 421. Run conf values under secret-looking keys (password, secret, token, dsn, api_key, ...) and passwords inside URLs are returned as ***. Errors are JSON {status, message}: 400 bad JSON or parameters, 401 missing, wrong or revoked token, 403 the token's role does not permit the request, 404 unknown route or resource, 405 wrong method, 409 conflict, 413 body too large, 414 URI too long, 421 unknown Host, 431 headers too large, 503 unhealthy, 507 ORCH_HOME's disk is full (nothing was saved; retry when space is back). Times are ISO 8601 UTC."
 },
 "servers": [
  {
   "url": "/api/v1"
  }
 ],
 "paths": {
  "/health": {
   "get": {
    "summary": "Database and scheduler heartbeat",
    "parameters": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     },
     "503": {
      "description": "Unhealthy: the database cannot be read or ORCH_HOME's disk is full (storage.message says why)",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "responses": {
     "200": {
      "description": "OpenAPI 3 document",
      "content": {
       "application/json": {}
      }
     }
    }
   }
  },
  "/dags": {
   "get": {
    "summary": "DAGs with their latest runs and next run",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000,
       "default": 100
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      }
     },
     {
      "name": "tag",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "dag_id_pattern",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Part of the DAG id, any case."
     },
     {
      "name": "owner",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "paused",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "name": "last_state",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "queued",
        "running",
        "success",
        "failed",
        "none"
       ]
      },
      "description": "State of the latest run; none: never run."
     },
     {
      "name": "order_by",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "dag_id",
        "failing_first"
       ],
       "default": "dag_id"
      },
      "description": "failing_first: DAGs whose latest run failed come first."
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DAGList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}": {
   "get": {
    "summary": "A DAG with its tasks and edges",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DAGDetail"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "patch": {
    "summary": "Pause or unpause a DAG",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/DAGDetail"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "507": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/PauseRequest"
       }
      }
     }
    }
   }
  },
  "/dags/{dag_id}/grid": {
   "get": {
    "summary": "The latest runs \u00d7 tasks, newest run first",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 200,
       "default": 25
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Grid"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs": {
   "get": {
    "summary": "Runs of a DAG (`~` for every DAG), newest first",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      },
      "description": "a DAG id, or ~ for all DAGs"
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 500,
       "default": 25
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      }
     },
     {
      "name": "state",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "comma-separated: queued,running,success,failed"
     },
     {
      "name": "run_type",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "comma-separated: scheduled,manual,backfill"
     },
     {
      "name": "logical_date_gte",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "ISO 8601 date or time"
     },
     {
      "name": "logical_date_lte",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "ISO 8601 date or time"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "summary": "Trigger a manual run",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "201": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "507": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/TriggerRequest"
       }
      }
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}": {
   "get": {
    "summary": "A run with its task instances",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunDetail"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "patch": {
    "summary": "Mark a run success or failed",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "507": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/MarkRequest"
       }
      }
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/clear": {
   "post": {
    "summary": "Clear failed tasks (or the named ones) so they run again",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ClearResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "507": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": false,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ClearRequest"
       }
      }
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tasks": {
   "get": {
    "summary": "Task instances of a run",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TaskInstanceList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tries": {
   "get": {
    "summary": "Every try of every task of a run (Gantt)",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TryList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}": {
   "get": {
    "summary": "A task instance with every try",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TaskDetail"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "patch": {
    "summary": "Mark one task of a finished run success or failed (optionally with its downstream); the run is queued again (operator)",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "413": {
      "$ref": "#/components/responses/Error"
     },
     "507": {
      "$ref": "#/components/responses/Error"
     },
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MarkTasksResult"
        }
       }
      }
     }
    },
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/MarkTaskRequest"
       }
      }
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/tries": {
   "get": {
    "summary": "Every try of a task instance",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TryList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/tries/{try_number}/log": {
   "get": {
    "summary": "A chunk of a try's log from a byte offset",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "try_number",
      "in": "path",
      "required": true,
      "schema": {
       "type": "integer",
       "minimum": 1
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1048576,
       "default": 65536
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/LogChunk"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/quality-checks": {
   "get": {
    "summary": "Quality-check results of a run (XCom quality_checks)",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunQuality"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/quality-checks": {
   "get": {
    "summary": "Quality-check results of a DAG's latest runs",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 100,
       "default": 10
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/QualityList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/alerts": {
   "get": {
    "summary": "The alert outbox, newest first",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 500,
       "default": 50
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "default": 0
      }
     },
     {
      "name": "state",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "pending",
        "delivered",
        "failed"
       ]
      }
     },
     {
      "name": "dag_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/alerts/{alert_id}": {
   "get": {
    "summary": "An alert with its payload and every delivery attempt",
    "parameters": [
     {
      "name": "alert_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "integer",
       "minimum": 1
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AlertDetail"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/audit": {
   "get": {
    "summary": "The audit log: every state change made through the API or the CLI, newest first (operator or admin token)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 500,
       "default": 50
      }
     },
     {
      "name": "offset",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 10000000,
       "default": 0
      }
     },
     {
      "name": "action",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "Only this action, e.g. run.trigger"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/tokens": {
   "get": {
    "summary": "API tokens: names and roles, never secrets (admin token)",
    "security": [
     {
      "bearer": []
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/TokenList"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     }
    }
   },
   "post": {
    "summary": "Create a token; the answer carries its secret, the only time it is shown (admin token)",
    "security": [
     {
      "bearer": []
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object",
        "additionalProperties": false,
        "required": [
         "name",
         "role"
        ],
        "properties": {
         "name": {
          "type": "string",
          "pattern": "^[A-Za-z0-9._-]{1,64}$"
         },
         "role": {
          "type": "string",
          "enum": [
           "viewer",
           "operator",
           "admin"
          ]
         }
        }
       }
      }
     }
    },
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CreatedToken"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "409": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/tokens/{name}": {
   "delete": {
    "summary": "Revoke a token: requests carrying it get 401 from now on (admin token)",
    "security": [
     {
      "bearer": []
     }
    ],
    "parameters": [
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "204": {
      "description": "Revoked"
     },
     "401": {
      "$ref": "#/components/responses/Error"
     },
     "403": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/runs/{run_id}/tasks/{task_id}/xcoms": {
   "get": {
    "summary": "The XComs a task pushed in a run, by key",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "task_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/XComList"
        }
       }
      }
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/dags/{dag_id}/run-preview": {
   "get": {
    "summary": "The run id and data interval a manual run at a logical date would have, before it is queued",
    "parameters": [
     {
      "name": "dag_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "logical_date",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      },
      "description": "YYYY-MM-DD or ISO 8601; default now."
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunPreview"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     },
     "404": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  },
  "/auth/check": {
   "post": {
    "summary": "Check the bearer token: 200 with its name and role when it is valid, 401 otherwise; changes nothing and is not audited",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuthCheck"
        }
       }
      }
     },
     "401": {
      "$ref": "#/components/responses/Error"
     }
    },
    "security": [
     {
      "bearer": []
     }
    ]
   }
  },
  "/failures": {
   "get": {
    "summary": "Failed runs and failed task tries, newest first (listed whether or not alert webhooks are configured)",
    "parameters": [
     {
      "name": "limit",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 200,
       "default": 25
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Failures"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Error"
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Error": {
    "type": "object",
    "required": [
     "status",
     "message"
    ],
    "properties": {
     "status": {
      "type": "integer"
     },
     "message": {
      "type": "string"
     }
    }
   },
   "RunMark": {
    "type": "object",
    "required": [
     "run_id",
     "state",
     "logical_date"
    ],
    "properties": {
     "run_id": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "logical_date": {
      "type": "string"
     }
    }
   },
   "DAGSummary": {
    "type": "object",
    "required": [
     "dag_id",
     "description",
     "owner",
     "tags",
     "timezone",
     "is_paused",
     "task_count",
     "recent_runs"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "owner": {
      "type": "string"
     },
     "tags": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "schedule": {
      "type": "string",
      "nullable": true
     },
     "timezone": {
      "type": "string"
     },
     "is_paused": {
      "type": "boolean"
     },
     "next_run_at": {
      "type": "string",
      "nullable": true
     },
     "task_count": {
      "type": "integer"
     },
     "last_run": {
      "$ref": "#/components/schemas/RunMark",
      "nullable": true
     },
     "recent_runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/RunMark"
      }
     }
    }
   },
   "DAGList": {
    "type": "object",
    "required": [
     "dags",
     "total_entries",
     "all_tags",
     "all_owners"
    ],
    "properties": {
     "dags": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/DAGSummary"
      }
     },
     "total_entries": {
      "type": "integer"
     },
     "all_tags": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "all_owners": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "Task": {
    "type": "object",
    "required": [
     "task_id",
     "kind",
     "upstream",
     "downstream",
     "trigger_rule",
     "retries",
     "retry_delay_seconds",
     "isolation",
     "pool",
     "doc"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "kind": {
      "type": "string"
     },
     "upstream": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "downstream": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "trigger_rule": {
      "type": "string"
     },
     "retries": {
      "type": "integer"
     },
     "retry_delay_seconds": {
      "type": "number"
     },
     "execution_timeout_seconds": {
      "type": "number",
      "nullable": true
     },
     "isolation": {
      "type": "string"
     },
     "pool": {
      "type": "string"
     },
     "doc": {
      "type": "string"
     }
    }
   },
   "Edge": {
    "type": "object",
    "required": [
     "from",
     "to"
    ],
    "properties": {
     "from": {
      "type": "string"
     },
     "to": {
      "type": "string"
     }
    }
   },
   "DAGDetail": {
    "type": "object",
    "required": [
     "dag_id",
     "description",
     "owner",
     "tags",
     "timezone",
     "is_paused",
     "catchup",
     "max_active_runs",
     "max_active_tasks",
     "params",
     "tasks",
     "edges",
     "param_descriptions"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "description": {
      "type": "string"
     },
     "owner": {
      "type": "string"
     },
     "tags": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "schedule": {
      "type": "string",
      "nullable": true
     },
     "timezone": {
      "type": "string"
     },
     "is_paused": {
      "type": "boolean"
     },
     "next_run_at": {
      "type": "string",
      "nullable": true
     },
     "catchup": {
      "type": "boolean"
     },
     "start_date": {
      "type": "string",
      "nullable": true
     },
     "max_active_runs": {
      "type": "integer"
     },
     "max_active_tasks": {
      "type": "integer"
     },
     "params": {
      "type": "object"
     },
     "tasks": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Task"
      }
     },
     "edges": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Edge"
      }
     },
     "param_descriptions": {
      "type": "object",
      "description": "What each described param means (param name to text)."
     }
    }
   },
   "Run": {
    "type": "object",
    "required": [
     "dag_id",
     "run_id",
     "run_type",
     "state",
     "logical_date",
     "data_interval_start",
     "data_interval_end",
     "conf",
     "queued_at"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "run_type": {
      "type": "string",
      "enum": [
       "scheduled",
       "manual",
       "backfill"
      ]
     },
     "state": {
      "type": "string",
      "enum": [
       "queued",
       "running",
       "success",
       "failed"
      ]
     },
     "logical_date": {
      "type": "string"
     },
     "data_interval_start": {
      "type": "string"
     },
     "data_interval_end": {
      "type": "string"
     },
     "conf": {
      "type": "object"
     },
     "queued_at": {
      "type": "string"
     },
     "start_date": {
      "type": "string",
      "nullable": true
     },
     "end_date": {
      "type": "string",
      "nullable": true
     },
     "duration_seconds": {
      "type": "number",
      "nullable": true
     }
    }
   },
   "RunPage": {
    "type": "object",
    "required": [
     "runs",
     "total_entries",
     "limit",
     "offset"
    ],
    "properties": {
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Run"
      }
     },
     "total_entries": {
      "type": "integer"
     },
     "limit": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     }
    }
   },
   "TaskInstance": {
    "type": "object",
    "required": [
     "task_id",
     "state",
     "try_number",
     "max_tries"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "try_number": {
      "type": "integer"
     },
     "max_tries": {
      "type": "integer"
     },
     "start_date": {
      "type": "string",
      "nullable": true
     },
     "end_date": {
      "type": "string",
      "nullable": true
     },
     "duration_seconds": {
      "type": "number",
      "nullable": true
     },
     "next_retry_at": {
      "type": "string",
      "nullable": true
     },
     "pid": {
      "type": "integer",
      "nullable": true
     },
     "error": {
      "type": "string",
      "nullable": true
     }
    }
   },
   "TaskInstanceList": {
    "type": "object",
    "required": [
     "task_instances"
    ],
    "properties": {
     "task_instances": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TaskInstance"
      }
     }
    }
   },
   "RunDetail": {
    "type": "object",
    "required": [
     "run",
     "task_instances"
    ],
    "properties": {
     "run": {
      "$ref": "#/components/schemas/Run"
     },
     "task_instances": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/TaskInstance"
      }
     }
    }
   },
   "ClearResult": {
    "type": "object",
    "required": [
     "run",
     "cleared_task_ids"
    ],
    "properties": {
     "run": {
      "$ref": "#/components/schemas/Run"
     },
     "cleared_task_ids": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "GridCell": {
    "type": "object",
    "required": [
     "task_id",
     "state",
     "try_number"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "try_number": {
      "type": "integer"
     }
    }
   },
   "GridRun": {
    "type": "object",
    "required": [
     "run_id",
     "run_type",
     "state",
     "logical_date",
     "task_instances"
    ],
    "properties": {
     "run_id": {
      "type": "string"
     },
     "run_type": {
      "type": "string"
     },
     "state": {
      "type": "string"
     },
     "logical_date": {
      "type": "string"
     },
     "start_date": {
      "type": "string",
      "nullable": true
     },
     "end_date": {
      "type": "string",
      "nullable": true
     },
     "task_instances": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/GridCell"
      }
     }
    }
   },
   "Grid": {
    "type": "object",
    "required": [
     "dag_id",
     "task_ids",
     "runs",
     "total_runs",
     "limit",
     "offset"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "task_ids": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/GridRun"
      }
     },
     "total_runs": {
      "type": "integer"
     },
     "limit": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     }
    }
   },
   "Try": {
    "type": "object",
    "required": [
     "task_id",
     "try_number",
     "state",
     "isolation",
     "start_date",
     "log_url"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "try_number": {
      "type": "integer"
     },
     "state": {
      "type": "string"
     },
     "isolation": {
      "type": "string"
     },
     "pid": {
      "type": "integer",
      "nullable": true
     },
     "start_date": {
      "type": "string"
     },
     "end_date": {
      "type": "string",
      "nullable": true
     },
     "duration_seconds": {
      "type": "number",
      "nullable": true
     },
     "exit_code": {
      "type": "integer",
      "nullable": true
     },
     "signal": {
      "type": "integer",
      "nullable": true
     },
     "error": {
      "type": "string",
      "nullable": true
     },
     "log_url": {
      "type": "string"
     }
    }
   },
   "TryList": {
    "type": "object",
    "required": [
     "tries"
    ],
    "properties": {
     "tries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Try"
      }
     }
    }
   },
   "TaskDetail": {
    "type": "object",
    "required": [
     "task_instance",
     "tries"
    ],
    "properties": {
     "task_instance": {
      "$ref": "#/components/schemas/TaskInstance"
     },
     "tries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Try"
      }
     }
    }
   },
   "LogChunk": {
    "type": "object",
    "required": [
     "task_id",
     "try_number",
     "offset",
     "next_offset",
     "size",
     "content",
     "finished"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "try_number": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     },
     "next_offset": {
      "type": "integer"
     },
     "size": {
      "type": "integer"
     },
     "content": {
      "type": "string"
     },
     "finished": {
      "type": "boolean"
     }
    }
   },
   "Health": {
    "type": "object",
    "required": [
     "status",
     "database",
     "scheduler",
     "storage"
    ],
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "ok",
       "degraded"
      ],
      "description": "degraded when the scheduler is not healthy or ORCH_HOME's disk is full"
     },
     "database": {
      "type": "object",
      "required": [
       "status"
      ],
      "properties": {
       "status": {
        "type": "string"
       }
      }
     },
     "scheduler": {
      "type": "object",
      "required": [
       "status"
      ],
      "properties": {
       "status": {
        "type": "string",
        "enum": [
         "healthy",
         "stale",
         "not_running"
        ]
       },
       "heartbeat_age_seconds": {
        "type": "number",
        "nullable": true
       },
       "latest_heartbeat": {
        "type": "string",
        "nullable": true
       },
       "holder": {
        "type": "string",
        "nullable": true
       }
      }
     },
     "storage": {
      "type": "object",
      "required": [
       "status"
      ],
      "properties": {
       "status": {
        "type": "string",
        "enum": [
         "ok",
         "full"
        ]
       },
       "free_bytes": {
        "type": "integer",
        "nullable": true
       },
       "message": {
        "type": "string",
        "nullable": true
       }
      }
     }
    }
   },
   "Alert": {
    "type": "object",
    "required": [
     "id",
     "delivery_id",
     "event",
     "target",
     "dag_id",
     "state",
     "attempts",
     "created_at"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "delivery_id": {
      "type": "string"
     },
     "event": {
      "type": "string"
     },
     "target": {
      "type": "string"
     },
     "dag_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string",
      "nullable": true
     },
     "task_id": {
      "type": "string",
      "nullable": true
     },
     "try_number": {
      "type": "integer",
      "nullable": true
     },
     "state": {
      "type": "string",
      "enum": [
       "pending",
       "delivered",
       "failed"
      ]
     },
     "attempts": {
      "type": "integer"
     },
     "created_at": {
      "type": "string"
     },
     "next_attempt_at": {
      "type": "string",
      "nullable": true
     },
     "delivered_at": {
      "type": "string",
      "nullable": true
     },
     "last_error": {
      "type": "string",
      "nullable": true
     }
    }
   },
   "AlertPage": {
    "type": "object",
    "required": [
     "alerts",
     "total_entries",
     "limit",
     "offset"
    ],
    "properties": {
     "alerts": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Alert"
      }
     },
     "total_entries": {
      "type": "integer"
     },
     "limit": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     }
    }
   },
   "Delivery": {
    "type": "object",
    "required": [
     "id",
     "url",
     "attempted_at",
     "duration_ms"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "url": {
      "type": "string"
     },
     "attempted_at": {
      "type": "string"
     },
     "status_code": {
      "type": "integer",
      "nullable": true
     },
     "error": {
      "type": "string",
      "nullable": true
     },
     "duration_ms": {
      "type": "number"
     }
    }
   },
   "AlertDetail": {
    "type": "object",
    "required": [
     "alert",
     "payload",
     "deliveries"
    ],
    "properties": {
     "alert": {
      "$ref": "#/components/schemas/Alert"
     },
     "payload": {},
     "deliveries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Delivery"
      }
     }
    }
   },
   "QualityCheck": {
    "type": "object",
    "required": [
     "name",
     "status"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "status": {
      "type": "string"
     },
     "observed": {},
     "details": {}
    }
   },
   "RunQuality": {
    "type": "object",
    "required": [
     "run_id",
     "logical_date",
     "checks",
     "passed",
     "failed"
    ],
    "properties": {
     "run_id": {
      "type": "string"
     },
     "logical_date": {
      "type": "string"
     },
     "task_id": {
      "type": "string",
      "nullable": true
     },
     "checks": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/QualityCheck"
      }
     },
     "passed": {
      "type": "integer"
     },
     "failed": {
      "type": "integer"
     }
    }
   },
   "QualityList": {
    "type": "object",
    "required": [
     "dag_id",
     "runs"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/RunQuality"
      }
     }
    }
   },
   "TriggerRequest": {
    "type": "object",
    "required": [],
    "properties": {
     "conf": {
      "type": "object"
     },
     "logical_date": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     }
    }
   },
   "PauseRequest": {
    "type": "object",
    "required": [
     "is_paused"
    ],
    "properties": {
     "is_paused": {
      "type": "boolean"
     }
    }
   },
   "MarkRequest": {
    "type": "object",
    "required": [
     "state"
    ],
    "properties": {
     "state": {
      "type": "string",
      "enum": [
       "success",
       "failed"
      ]
     }
    }
   },
   "ClearRequest": {
    "type": "object",
    "required": [],
    "properties": {
     "task_ids": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "include_downstream": {
      "type": "boolean",
      "description": "With task_ids: also clear every task downstream of them."
     }
    }
   },
   "AuditEntry": {
    "type": "object",
    "required": [
     "id",
     "at",
     "actor",
     "action",
     "target",
     "source"
    ],
    "properties": {
     "id": {
      "type": "integer"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "actor": {
      "type": "string",
      "description": "token name, api-token (the ORCH_HOME/api-token admin token) or cli:<unix user>"
     },
     "role": {
      "type": "string",
      "nullable": true,
      "enum": [
       "viewer",
       "operator",
       "admin"
      ]
     },
     "action": {
      "type": "string"
     },
     "target": {
      "type": "object",
      "additionalProperties": {
       "type": "string"
      }
     },
     "source": {
      "type": "string",
      "description": "client address, or cli"
     },
     "status": {
      "type": "integer",
      "nullable": true
     }
    }
   },
   "AuditPage": {
    "type": "object",
    "required": [
     "entries",
     "total_entries",
     "limit",
     "offset"
    ],
    "properties": {
     "entries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/AuditEntry"
      }
     },
     "total_entries": {
      "type": "integer"
     },
     "limit": {
      "type": "integer"
     },
     "offset": {
      "type": "integer"
     }
    }
   },
   "Token": {
    "type": "object",
    "required": [
     "name",
     "role",
     "created_at",
     "created_by"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "role": {
      "type": "string",
      "enum": [
       "viewer",
       "operator",
       "admin"
      ]
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "created_by": {
      "type": "string"
     },
     "revoked_at": {
      "type": "string",
      "format": "date-time",
      "nullable": true
     }
    }
   },
   "TokenList": {
    "type": "object",
    "required": [
     "tokens"
    ],
    "properties": {
     "tokens": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Token"
      }
     }
    }
   },
   "CreatedToken": {
    "type": "object",
    "required": [
     "name",
     "role",
     "token"
    ],
    "properties": {
     "name": {
      "type": "string"
     },
     "role": {
      "type": "string",
      "enum": [
       "viewer",
       "operator",
       "admin"
      ]
     },
     "token": {
      "type": "string"
     }
    }
   },
   "MarkTaskRequest": {
    "type": "object",
    "required": [
     "state"
    ],
    "properties": {
     "state": {
      "type": "string",
      "enum": [
       "success",
       "failed"
      ]
     },
     "include_downstream": {
      "type": "boolean"
     }
    }
   },
   "MarkTasksResult": {
    "type": "object",
    "required": [
     "run",
     "marked_task_ids",
     "state"
    ],
    "properties": {
     "run": {
      "$ref": "#/components/schemas/Run"
     },
     "marked_task_ids": {
      "type": "array",
      "items": {
       "type": "string"
      }
     },
     "state": {
      "type": "string"
     }
    }
   },
   "XCom": {
    "type": "object",
    "required": [
     "key",
     "value",
     "size_bytes",
     "truncated"
    ],
    "properties": {
     "key": {
      "type": "string"
     },
     "value": {
      "type": "string",
      "description": "The value as pretty-printed JSON, cut at 4,000 characters."
     },
     "size_bytes": {
      "type": "integer",
      "description": "Size of the stored JSON."
     },
     "truncated": {
      "type": "boolean"
     }
    }
   },
   "XComList": {
    "type": "object",
    "required": [
     "task_id",
     "xcoms"
    ],
    "properties": {
     "task_id": {
      "type": "string"
     },
     "xcoms": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/XCom"
      }
     }
    }
   },
   "RunPreview": {
    "type": "object",
    "required": [
     "dag_id",
     "run_id",
     "logical_date",
     "data_interval_start",
     "data_interval_end",
     "manual_run_exists"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "logical_date": {
      "type": "string"
     },
     "data_interval_start": {
      "type": "string"
     },
     "data_interval_end": {
      "type": "string"
     },
     "manual_run_exists": {
      "type": "boolean",
      "description": "A manual run for this logical date exists already (triggering would be refused)."
     }
    }
   },
   "AuthCheck": {
    "type": "object",
    "required": [
     "ok",
     "name",
     "role"
    ],
    "properties": {
     "ok": {
      "type": "boolean"
     },
     "name": {
      "type": "string",
      "description": "The token's name (api-token for the admin token of ORCH_HOME)."
     },
     "role": {
      "type": "string",
      "enum": [
       "viewer",
       "operator",
       "admin"
      ]
     }
    }
   },
   "FailedTry": {
    "type": "object",
    "required": [
     "dag_id",
     "run_id",
     "task_id",
     "try_number"
    ],
    "properties": {
     "dag_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "task_id": {
      "type": "string"
     },
     "try_number": {
      "type": "integer"
     },
     "end_date": {
      "type": "string",
      "nullable": true
     },
     "error": {
      "type": "string",
      "nullable": true
     }
    }
   },
   "Failures": {
    "type": "object",
    "required": [
     "runs",
     "tries"
    ],
    "properties": {
     "runs": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Run"
      }
     },
     "tries": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/FailedTry"
      }
     }
    }
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer"
   }
  },
  "responses": {
   "Error": {
    "description": "Error",
    "content": {
     "application/json": {
      "schema": {
       "$ref": "#/components/schemas/Error"
      }
     }
    }
   }
  }
 }
}
"""#
}
