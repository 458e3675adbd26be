-- wrk script: every request is one lake_move round trip. Each wrk thread owns
-- one connection (-t N -c N) and one MCP session from MCPGYM_SESSIONS, so
-- "8 sessions on 8 connections" is -t8 -c8. LEFT from the start cell stays
-- put, so the episode never ends and every request does a real step.
local ids = {}
for id in string.gmatch(os.getenv("MCPGYM_SESSIONS") or "", "[^,]+") do
  table.insert(ids, id)
end
local counter = 0

function setup(thread)
  counter = counter + 1
  if #ids > 0 then thread:set("sid", ids[((counter - 1) % #ids) + 1]) end
end

function init(args)
  wrk.method = "POST"
  wrk.path = "/mcp"
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.headers["Content-Type"] = "application/json"
  if sid then wrk.headers["Mcp-Session-Id"] = sid end
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call",' ..
             '"params":{"name":"lake_move","arguments":{"action":"LEFT"}}}'
  req = wrk.format()
end

function request()
  return req
end
