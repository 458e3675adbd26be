-- wrk script: every request is one data-plane round trip, the tool named by
-- MCPGYM_TOOL (default lake_move; cliff_move for CliffWalking), the action by
-- MCPGYM_ACTION (default LEFT; Taxi has none, WEST there). Each wrk thread
-- owns one connection (-t N -c N) and one MCP session from MCPGYM_SESSIONS, so
-- "8 sessions on 8 connections" is -t8 -c8. LEFT from the start cell stays put
-- in both games (FrozenLake's 0, CliffWalking's 36, both in column 0), so the
-- episode never ends and every request does a real step; no move ends a Taxi
-- episode (only a DROPOFF at the destination does).
local tool = os.getenv("MCPGYM_TOOL") or "lake_move"
-- MCPGYM_ACTION (default LEFT): Taxi has no LEFT (its WEST from column 0 stays
-- put); Blackjack has no LEFT, and no move that keeps an episode going: its STICK ends the episode on the first request, and every
-- later one is a refused move after the end (a tool error, still a full
-- data-plane round trip through session, validation and control plane).
local action = os.getenv("MCPGYM_ACTION") or "LEFT"
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
             '"params":{"name":"' .. tool .. '","arguments":{"action":"' .. action .. '"}}}'
  req = wrk.format()
end

function request()
  return req
end
