// The vocabulary islands' dialogs in one chunk fetched when first needed (kept out of the pages' first load).
export { CreateModal, EditModal } from "../ui/SchemaFormModal.tsx";
export { DependencyModal } from "../ui/DependencyModal.tsx";
export { ChangePreviewModal } from "./ChangePreviewModal.tsx";
