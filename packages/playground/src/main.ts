// The GUI's entry point: the only module with side effects (it mounts the app).
import './style.css'
import { App } from './ui/app.ts'

const app = new App()
document.body.append(app.element)
app.start()
