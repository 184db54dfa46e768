// W9 ceiling: a plain Deno.serve handler answering GET /{id} with the id. Usage: deno run --allow-net plain.ts PORT
Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.args[0]), onListen() {} }, (req) => {
  const u = req.url;
  const path = u.slice(u.indexOf("/", u.indexOf("//") + 2));
  if (path === "/") return new Response(path, { status: 201 });
  return new Response(decodeURIComponent(path.slice(1)), {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
});
console.log("ready");
