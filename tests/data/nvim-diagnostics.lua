-- Headless Neovim as gofix-rt's editor: start `gofix-rt server` with the built-in client, open a Go file,
-- wait for its diagnostics and print them, then run the "apply all safe fixes" source action and print the
-- buffer. Run: GOFIXRT_BIN=... GOFIXRT_FILE=... nvim --headless --clean -c 'luafile nvim-diagnostics.lua'
-- Works with Neovim 0.7 (vim.lsp.start_client) and later (vim.lsp.start).
local bin = assert(os.getenv("GOFIXRT_BIN"), "GOFIXRT_BIN")
local file = assert(os.getenv("GOFIXRT_FILE"), "GOFIXRT_FILE")
local function out(s)
  io.stdout:write(s .. "\n")
end
local function fail(s)
  out("error " .. s)
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
local config = {
  name = "gofix-rt",
  cmd = { bin, "server" },
  root_dir = vim.fn.fnamemodify(file, ":h"),
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
if not client_id then
  fail("the client did not start")
end

local ok = vim.wait(20000, function()
  return #vim.diagnostic.get(buf) > 0
end, 50)
if not ok then
  fail("no diagnostics in time")
end
local diags = vim.diagnostic.get(buf)
table.sort(diags, function(a, b)
  return a.lnum < b.lnum
end)
for _, d in ipairs(diags) do
  out(string.format("diagnostic %d:%d %s %s", d.lnum + 1, d.col + 1, tostring(d.code), tostring(d.source)))
end

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 0, character = 0 }, ["end"] = { line = 0, character = 0 } },
  context = { diagnostics = {}, only = { "source.fixAll" } },
}
local results = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000) or {}
for _, res in pairs(results) do
  for _, action in ipairs(res.result or {}) do
    out("action " .. action.title)
    vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
  end
end
out("buffer-begin")
for _, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  out(line)
end
out("buffer-end")
vim.cmd("qall!")
