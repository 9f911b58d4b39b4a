// Aedes as bench/compare.sh runs it: plain TCP on 127.0.0.1:PORT, its default
// in-memory persistence, anyone may connect (as mosquitto's allow_anonymous).
//   node bench/aedes/server.js PORT
import net from 'node:net'
import { Aedes } from 'aedes'

const port = Number(process.argv[2] || 1883)
const broker = await Aedes.createBroker()
// A client that breaks off mid-packet is an error event; the broker goes on.
broker.on('clientError', () => {})
const server = net.createServer(broker.handle)
server.listen(port, '127.0.0.1', () => console.error(`aedes listening on 127.0.0.1:${port}`))
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close()
    broker.close(() => process.exit(0))
  })
}
