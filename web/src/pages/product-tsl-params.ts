// Parameter lists of the thing model: struct members, an event's output,
// a service's input and output. Each parameter has its own data type.
import { h } from "../dom";
import { field } from "../ui";
import { boundInput, EditorContext, entryList } from "./product-tsl-controls";
import { dataTypeEditor } from "./product-tsl-datatype";
import { ensureDataType, joinPath, newParam, Place, TslParam } from "./product-tsl-model";

export function paramList(
  ctx: EditorContext,
  params: TslParam[],
  path: string,
  place: Place,
  addLabel: string,
  empty: string,
): HTMLElement {
  return entryList(ctx, path, params, {
    addLabel,
    empty,
    removeLabel: "Remove",
    create: () => newParam(place),
    row: (param, p, remove) => {
      const type = dataTypeEditor(ctx, ensureDataType(param, "dataType", place), joinPath(p, "dataType"), place);
      const id = boundInput(ctx, joinPath(p, "identifier"), param, "identifier");
      ctx.index.set(p, id);
      return h(
        "div",
        { class: "tsl-param" },
        h(
          "div",
          { class: "row" },
          field("Identifier", id),
          field("Name", boundInput(ctx, joinPath(p, "name"), param, "name")),
          type.typeField,
          remove,
        ),
        type.specs,
      );
    },
  });
}
