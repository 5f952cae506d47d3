/** Templates: notifications written through a published template's form (schema-form.tsx). */
export { NotifyView } from './notify';
