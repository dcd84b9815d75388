import { HubConnection, HubConnectionBuilder, LogLevel } from "@microsoft/signalr";
import type { Task } from "./api";

export interface InboxEvents {
  upsert(task: Task): void;
  remove(taskId: string): void;
  /** After (re)connecting: replace the inbox with the server's. */
  resync(tasks: Task[]): void;
  connection(state: "live" | "reconnecting" | "offline"): void;
}

/** The live inbox (/hubs/tasks): pushes after each commit, and a full resync whenever the link comes back. */
export function connectInbox(token: string, events: InboxEvents): HubConnection {
  const hub = new HubConnectionBuilder()
    .withUrl("/hubs/tasks", { accessTokenFactory: () => token })
    .withAutomaticReconnect()
    .configureLogging(LogLevel.Warning)
    .build();
  hub.on("taskAssigned", events.upsert);
  hub.on("taskUpdated", events.upsert);
  hub.on("taskOverdue", events.upsert);
  hub.on("taskRemoved", events.remove);
  const resync = async () => {
    events.resync(await hub.invoke<Task[]>("Inbox"));
    events.connection("live");
  };
  hub.onreconnecting(() => events.connection("reconnecting"));
  hub.onreconnected(() => void resync());
  hub.onclose(() => events.connection("offline"));
  hub.start().then(resync).catch(() => events.connection("offline"));
  return hub;
}
